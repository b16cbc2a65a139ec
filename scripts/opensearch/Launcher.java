import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * Runs one OpenSearch node of a loopback test cluster, with its plugins on the
 * classpath instead of installed in a plugins folder: the way OpenSearch's own
 * test framework builds nodes (`MockNode` passes `classpathPlugins` to Node's
 * protected constructor).
 *
 * Usage: java Launcher HOME NODE_INDEX NODE_COUNT HTTP_BASE TRANSPORT_BASE
 * Node i listens on 127.0.0.1, HTTP port HTTP_BASE+i and transport port
 * TRANSPORT_BASE+i, and finds the others on the transport ports of the
 * cluster. It runs until the process is signalled.
 */
public final class Launcher {
    /** A Node with classpath plugins (Node's constructor for that is protected). */
    static final class ClasspathNode extends Node {
        ClasspathNode(Environment env, Collection<Class<? extends Plugin>> plugins) {
            super(env, plugins, true);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: Launcher HOME NODE_INDEX NODE_COUNT HTTP_BASE TRANSPORT_BASE");
            System.exit(2);
        }
        Path home = Paths.get(args[0]).toAbsolutePath();
        int index = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        int httpBase = Integer.parseInt(args[3]);
        int transportBase = Integer.parseInt(args[4]);
        String[] seeds = new String[count];
        String[] names = new String[count];
        for (int i = 0; i < count; i++) {
            seeds[i] = "127.0.0.1:" + (transportBase + i);
            names[i] = "node-" + i;
        }
        Path nodeHome = home.resolve("node-" + index);
        Files.createDirectories(nodeHome.resolve("config"));
        Files.createDirectories(nodeHome.resolve("data"));
        Files.createDirectories(nodeHome.resolve("logs"));
        Settings settings = Settings.builder()
            .put("cluster.name", "kartotek-test")
            .put("node.name", names[index])
            .put("path.home", nodeHome.toString())
            .put("path.data", nodeHome.resolve("data").toString())
            .put("path.logs", nodeHome.resolve("logs").toString())
            .put("network.host", "127.0.0.1")
            .put("http.port", httpBase + index)
            .put("transport.port", transportBase + index)
            .putList("discovery.seed_hosts", Arrays.asList(seeds))
            .putList("cluster.initial_cluster_manager_nodes", Arrays.asList(names))
            // a loopback test cluster on a shared disk: never refuse shards for disk space
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            // fail over quickly when a node is killed
            .put("cluster.fault_detection.follower_check.interval", "500ms")
            .put("cluster.fault_detection.follower_check.retry_count", 2)
            .put("cluster.fault_detection.leader_check.interval", "500ms")
            .put("cluster.fault_detection.leader_check.retry_count", 2)
            .put("transport.connect_timeout", "2s")
            .put("node.processors", 1)
            // small heaps with the serial collector: judge memory by what requests
            // reserve, not by the heap's fill level (garbage included)
            .put("indices.breaker.total.use_real_memory", false)
            .build();
        Environment env = InternalSettingsPreparer.prepareEnvironment(
            settings, Collections.emptyMap(), nodeHome.resolve("config"), () -> names[index]);
        List<Class<? extends Plugin>> plugins = Arrays.asList(Netty4Plugin.class, CommonAnalysisPlugin.class);
        Node node = new ClasspathNode(env, plugins);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // exiting anyway
            }
            stopped.countDown();
        }));
        node.start();
        System.out.println("started " + names[index] + " http://127.0.0.1:" + (httpBase + index));
        stopped.await();
    }
}
