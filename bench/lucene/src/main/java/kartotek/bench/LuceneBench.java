package kartotek.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.da.DanishAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.fi.FinnishAnalyzer;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.miscellaneous.ScandinavianFoldingFilter;
import org.apache.lucene.analysis.no.NorwegianAnalyzer;
import org.apache.lucene.analysis.no.NorwegianLightStemFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.sv.SwedishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.facet.FacetResult;
import org.apache.lucene.facet.FacetsCollectorManager;
import org.apache.lucene.facet.FacetsConfig;
import org.apache.lucene.facet.sortedset.DefaultSortedSetDocValuesReaderState;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesFacetCounts;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesFacetField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DisjunctionMaxQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;
import org.apache.lucene.search.FuzzyQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.uhighlight.UnifiedHighlighter;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.QueryBuilder;

/**
 * The Lucene 10 competitor of Kartotek's scale benchmark (issue 18).
 *
 * <p>Reads the passages and the query set the Rust harness wrote, indexes the passages in one of
 * two configurations (after an untimed load of up to 20,000 of them), then runs every query once
 * per mode (after untimed warm-up queries: up to three passes, at most 20 s but at least 200
 * queries, so the JIT has compiled the hot paths), on one thread, and prints one JSON object per line on stdout:
 * the indexing time and size, then per mode the latency of every query in order (the Rust side
 * turns them into the same statistics it computes for every engine).
 *
 * <ul>
 *   <li><b>plain</b>: one field, standard tokenizer + lowercase + ASCII folding; an OR query of
 *       the words, a phrase query for quoted text.
 *   <li><b>tuned</b> (what a competent Elasticsearch user sets up for Nordic text): the passage in
 *       the field of its language with that language's stock analyzer ({@code norwegian},
 *       {@code swedish}, {@code danish}, {@code finnish}, {@code english}; Nynorsk with the light
 *       Nynorsk stemmer), every passage also in a Scandinavian-folded field, the document title in
 *       a folded field; a {@code multi_match} of type {@code best_fields} (dis-max, tie-breaker
 *       0.3) over all of them, OR of the words, phrases for quoted text.
 * </ul>
 *
 * <p>Modes: {@code top10} (ten best passages, each hit's stored passage loaded as Elasticsearch's
 * fetch phase loads {@code _source}), {@code facets} (+ SortedSetDocValues counts of
 * every facet: region, programme, network, theme, lang; every ancestor path is a value, so a
 * count covers a subtree), {@code snippets} (+ UnifiedHighlighter snippets of the ten hits),
 * {@code typo} (+ fuzziness AUTO on words of 5+ letters: 1 edit for a 5-letter term, 2 from 6,
 * prefix length 0, 50 expansions, transpositions, as Elasticsearch does) and {@code all}.
 * Filters are FILTER clauses on exact-path string fields.
 *
 * <p>Arguments: {@code --passages FILE --queries FILE --config plain|tuned --dir DIR [--threads
 * N] [--ram-mb N] [--modes top10,facets,snippets,typo,all] [--counts FILE]}. {@code --counts}
 * writes each query's matching passages and documents (top10 mode) for sanity checks.
 *
 * <p>Ranking mode (the judged evaluation, issue 15): {@code --rank QUERIES --passages FILE
 * --config plain|tuned --dir DIR [--fuzzy on|off]}, see {@link #rank}.
 */
public final class LuceneBench {
  static final String[] LANGS = {"nb", "nn", "sv", "da", "fi", "en"};
  static final String[] FACETS = {"region", "programme", "network", "theme", "lang"};
  static final float TIE_BREAKER = 0.3f;
  /** {@code NorwegianLightStemmer.NYNORSK} (package-private in Lucene; what the factory's {@code variant="nn"} sets). */
  static final int NYNORSK = 2;

  /** One passage as the Rust harness wrote it. */
  record Passage(int doc, String lang, String title, String text, String[] facets) {}

  /** One query of the benchmark query set. */
  record BenchQuery(String text, boolean phrase, List<String> words, List<String[]> filters) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i], args[i + 1]);
    }
    if (a.containsKey("--rank")) {
      rank(a);
      return;
    }
    String config = a.getOrDefault("--config", "tuned");
    boolean tuned = config.equals("tuned");
    int threads = Integer.parseInt(a.getOrDefault("--threads", "2"));
    double ramMb = Double.parseDouble(a.getOrDefault("--ram-mb", "128"));
    Path dir = Path.of(a.get("--dir"));
    String[] modes = a.getOrDefault("--modes", "top10,facets,snippets,typo,all").split(",");
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    String engine = "lucene-" + config;

    List<Passage> passages = readPassages(Path.of(a.get("--passages")));
    List<BenchQuery> queries = readQueries(Path.of(a.get("--queries")));
    log(engine + ": " + passages.size() + " passages, " + queries.size() + " queries");

    Analyzer analyzer = tuned ? tunedAnalyzer() : plainAnalyzer();
    FacetsConfig facetsConfig = new FacetsConfig();
    for (String f : FACETS) {
      facetsConfig.setMultiValued(f, true);
    }

    // An untimed warm-up load of up to 20,000 passages first, so the timed one runs compiled
    // code as a long-running node would (at 10k the JIT would otherwise dominate).
    Path warm = Path.of(dir + "-warmup");
    List<Passage> some = passages.subList(0, Math.min(passages.size(), 20_000));
    index(warm, some, analyzer, facetsConfig, tuned, threads, ramMb);
    deleteTree(warm);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long c0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    index(dir, passages, analyzer, facetsConfig, tuned, threads, ramMb);
    double seconds = (System.nanoTime() - t0) / 1e9;
    // every thread of the JVM: indexing, merging, JIT, GC
    double cpuSeconds = (os.getProcessCpuTime() - c0) / 1e9;
    long disk;
    try (Stream<Path> files = Files.walk(dir)) {
      disk = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    out.printf(
        Locale.ROOT,
        "{\"kind\":\"index\",\"engine\":\"%s\",\"passages\":%d,\"threads\":%d,\"seconds\":%.6f,"
            + "\"cpu_seconds\":%.6f,\"disk_bytes\":%d,\"peak_rss\":%d}%n",
        engine, passages.size(), threads, seconds, cpuSeconds, disk, peakRss());
    log(String.format(Locale.ROOT, "%s: indexed in %.2f s, %d threads", engine, seconds, threads));

    try (FSDirectory d = FSDirectory.open(dir);
        DirectoryReader reader = DirectoryReader.open(d)) {
      IndexSearcher searcher = new IndexSearcher(reader);
      Searcher s = new Searcher(searcher, analyzer, facetsConfig, tuned);
      if (a.containsKey("--counts")) {
        StringBuilder sb = new StringBuilder("passages\tdocuments\n");
        for (BenchQuery q : queries) {
          sb.append(searcher.count(s.query(q, false))).append('\t');
          sb.append(s.documents(q)).append('\n');
        }
        Files.writeString(Path.of(a.get("--counts")), sb.toString());
      }
      for (String mode : modes) {
        boolean facets = mode.equals("facets") || mode.equals("all");
        boolean snippets = mode.equals("snippets") || mode.equals("all");
        boolean typo = mode.equals("typo") || mode.equals("all");
        // warm-up, untimed: up to three passes over the queries, stopping after 20 s (but not
        // before 200 queries) so the dearest modes do not take minutes before being timed
        long w0 = System.nanoTime();
        int warmed = 0;
        for (int i = 0; i < 3 * queries.size(); i++, warmed++) {
          if (warmed >= 200 && System.nanoTime() - w0 > 20_000_000_000L) {
            break;
          }
          s.run(queries.get(i % queries.size()), facets, snippets, typo);
        }
        double[] ms = new double[queries.size()];
        int[] hits = new int[queries.size()];
        long mc0 = os.getProcessCpuTime();
        long m0 = System.nanoTime();
        for (int i = 0; i < queries.size(); i++) {
          long q0 = System.nanoTime();
          hits[i] = s.run(queries.get(i), facets, snippets, typo);
          ms[i] = (System.nanoTime() - q0) / 1e6;
        }
        double secs = (System.nanoTime() - m0) / 1e9;
        double cpuSecs = (os.getProcessCpuTime() - mc0) / 1e9;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
            "{\"kind\":\"query\",\"engine\":\"%s\",\"mode\":\"%s\",\"seconds\":%.6f,"
                + "\"cpu_seconds\":%.6f,\"ms\":[",
            engine, mode, secs, cpuSecs));
        for (int i = 0; i < ms.length; i++) {
          sb.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", ms[i]));
        }
        sb.append("],\"hits\":[");
        for (int i = 0; i < hits.length; i++) {
          sb.append(i == 0 ? "" : ",").append(hits[i]);
        }
        sb.append("]}");
        out.println(sb);
        log(String.format(Locale.ROOT, "%s %s: %.0f q/s (after %d warm-up queries)",
            engine, mode, queries.size() / secs, warmed));
      }
    }
  }

  /**
   * Index {@code passages} into a fresh {@code dir}: {@code threads} threads share one IndexWriter
   * ({@code ramMb} buffer), then one forced merge into one segment (Kartotek's bulk load merges
   * into one too) and a commit.
   */
  static void index(
      Path dir,
      List<Passage> passages,
      Analyzer analyzer,
      FacetsConfig facetsConfig,
      boolean tuned,
      int threads,
      double ramMb)
      throws Exception {
    deleteTree(dir);
    try (FSDirectory d = FSDirectory.open(dir)) {
      IndexWriterConfig iwc = new IndexWriterConfig(analyzer);
      iwc.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
      iwc.setRAMBufferSizeMB(ramMb);
      try (IndexWriter w = new IndexWriter(d, iwc)) {
        AtomicReference<Exception> failed = new AtomicReference<>();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          final int first = t;
          Thread th =
              new Thread(
                  () -> {
                    try {
                      for (int i = first; i < passages.size(); i += threads) {
                        w.addDocument(facetsConfig.build(document(passages.get(i), tuned)));
                      }
                    } catch (Exception e) {
                      failed.set(e);
                    }
                  });
          th.start();
          ts.add(th);
        }
        for (Thread th : ts) {
          th.join();
        }
        if (failed.get() != null) {
          throw failed.get();
        }
        w.forceMerge(1);
        w.commit();
      }
    }
  }

  /** Query building and running for one configuration. */
  static final class Searcher {
    final IndexSearcher searcher;
    final Analyzer analyzer;
    final FacetsConfig facetsConfig;
    final DefaultSortedSetDocValuesReaderState state;
    final UnifiedHighlighter highlighter;
    final String[] fields;
    final String[] stored;
    final Map<String, QueryBuilder> builders = new HashMap<>();

    Searcher(IndexSearcher searcher, Analyzer analyzer, FacetsConfig facetsConfig, boolean tuned)
        throws IOException {
      this(searcher, analyzer, facetsConfig, tuned, true);
    }

    /** {@code facets}: false for an index without facet fields (the ranking mode). */
    Searcher(
        IndexSearcher searcher,
        Analyzer analyzer,
        FacetsConfig facetsConfig,
        boolean tuned,
        boolean facets)
        throws IOException {
      this.searcher = searcher;
      this.analyzer = analyzer;
      this.facetsConfig = facetsConfig;
      this.state =
          facets
              ? new DefaultSortedSetDocValuesReaderState(searcher.getIndexReader(), facetsConfig)
              : null;
      this.highlighter = UnifiedHighlighter.builder(searcher, analyzer).build();
      if (tuned) {
        List<String> f = new ArrayList<>();
        List<String> st = new ArrayList<>();
        for (String l : LANGS) {
          f.add("body_" + l);
          st.add("body_" + l);
        }
        f.add("body_folded");
        f.add("title");
        fields = f.toArray(new String[0]);
        stored = st.toArray(new String[0]);
      } else {
        fields = new String[] {"body"};
        stored = new String[] {"body"};
      }
      for (String f : fields) {
        builders.put(f, new QueryBuilder(analyzer));
      }
    }

    /** The query: best_fields dis-max of one query per field, filters as FILTER clauses. */
    Query query(BenchQuery q, boolean typo) throws IOException {
      List<Query> perField = new ArrayList<>();
      for (String f : fields) {
        Query fq;
        if (q.phrase) {
          fq = builders.get(f).createPhraseQuery(f, String.join(" ", q.words));
        } else {
          BooleanQuery.Builder b = new BooleanQuery.Builder();
          int n = addWords(b, f, q.words, typo);
          fq = n == 0 ? null : b.build();
        }
        if (fq != null) {
          perField.add(fq);
        }
      }
      Query main = perField.size() == 1 ? perField.get(0) : new DisjunctionMaxQuery(perField, TIE_BREAKER);
      if (q.filters.isEmpty()) {
        return main;
      }
      BooleanQuery.Builder b = new BooleanQuery.Builder().add(main, Occur.MUST);
      for (String[] fp : q.filters) {
        b.add(new TermQuery(new Term("f_" + fp[0], fp[1])), Occur.FILTER);
      }
      return b.build();
    }

    /**
     * One SHOULD clause per analysed term of {@code words} in field {@code f}; with {@code typo},
     * fuzziness AUTO on words of 5+ letters (1 edit for a 5-letter term, 2 from 6, prefix length
     * 0, 50 expansions, transpositions). Returns the number of clauses added.
     */
    int addWords(BooleanQuery.Builder b, String f, List<String> words, boolean typo)
        throws IOException {
      int n = 0;
      for (String w : words) {
        for (String term : analyze(f, w)) {
          int edits = 0;
          if (typo && w.codePointCount(0, w.length()) >= 5) {
            int len = term.codePointCount(0, term.length());
            edits = len >= 6 ? 2 : len >= 3 ? 1 : 0; // AUTO
          }
          Term t = new Term(f, term);
          b.add(edits == 0 ? new TermQuery(t) : new FuzzyQuery(t, edits, 0, 50, true), Occur.SHOULD);
          n++;
        }
      }
      return n;
    }

    /**
     * A free-text query (the judged set's): its bare words ORed as {@link #addWords} does, each
     * quoted part a phrase, per field; best_fields dis-max over the fields.
     */
    Query textQuery(String text, boolean typo) throws IOException {
      List<String> words = new ArrayList<>();
      List<String> phrases = new ArrayList<>();
      String[] parts = text.split("\"", -1);
      for (int i = 0; i < parts.length; i++) {
        // odd parts lie between quotes (an unclosed quote: its words are bare)
        if (i % 2 == 1 && i < parts.length - 1) {
          if (!parts[i].isBlank()) {
            phrases.add(parts[i].trim());
          }
        } else {
          for (String w : parts[i].trim().split("\\s+")) {
            if (!w.isEmpty()) {
              words.add(w);
            }
          }
        }
      }
      List<Query> perField = new ArrayList<>();
      for (String f : fields) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        int n = addWords(b, f, words, typo);
        for (String p : phrases) {
          Query pq = builders.get(f).createPhraseQuery(f, p);
          if (pq != null) {
            b.add(pq, Occur.SHOULD);
            n++;
          }
        }
        if (n > 0) {
          perField.add(b.build());
        }
      }
      if (perField.isEmpty()) {
        return null;
      }
      return perField.size() == 1 ? perField.get(0) : new DisjunctionMaxQuery(perField, TIE_BREAKER);
    }

    List<String> analyze(String field, String text) throws IOException {
      List<String> out = new ArrayList<>(2);
      try (TokenStream ts = analyzer.tokenStream(field, text)) {
        CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
        ts.reset();
        while (ts.incrementToken()) {
          out.add(term.toString());
        }
        ts.end();
      }
      return out;
    }

    /** Distinct documents with a matching passage (the unit Kartotek counts). */
    int documents(BenchQuery q) throws IOException {
      Query query = query(q, false);
      java.util.BitSet seen = new java.util.BitSet();
      for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
        Weight w = searcher.createWeight(searcher.rewrite(query), ScoreMode.COMPLETE_NO_SCORES, 1f);
        Scorer sc = w.scorer(leaf);
        if (sc == null) {
          continue;
        }
        NumericDocValues docs = DocValues.getNumeric(leaf.reader(), "doc");
        DocIdSetIterator it = sc.iterator();
        for (int d = it.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = it.nextDoc()) {
          if (docs.advanceExact(d)) {
            seen.set((int) docs.longValue());
          }
        }
      }
      return seen.cardinality();
    }

    /** Run one query; returns the number of hits returned (at most 10). */
    int run(BenchQuery q, boolean facets, boolean snippets, boolean typo) throws IOException {
      Query query = query(q, typo);
      TopDocs top;
      if (facets) {
        FacetsCollectorManager.FacetsResult r =
            FacetsCollectorManager.search(searcher, query, 10, new FacetsCollectorManager());
        top = r.topDocs();
        List<FacetResult> dims =
            new SortedSetDocValuesFacetCounts(state, r.facetsCollector()).getAllDims(10);
        if (dims == null) {
          throw new IllegalStateException("no facet result");
        }
      } else {
        top = searcher.search(query, 10);
      }
      // the fetch phase: every hit's stored passage, as Elasticsearch loads each hit's _source
      // (Kartotek reads its hits' stored fields too)
      StoredFields fetched = searcher.storedFields();
      for (ScoreDoc sd : top.scoreDocs) {
        if (fetched.document(sd.doc).getFields().isEmpty()) {
          throw new IllegalStateException("no stored fields");
        }
      }
      if (snippets && top.scoreDocs.length > 0) {
        Map<String, String[]> h = highlighter.highlightFields(stored, query, top);
        if (h.isEmpty()) {
          throw new IllegalStateException("no snippets");
        }
      }
      return top.scoreDocs.length;
    }
  }

  /**
   * The ranking mode of the judged evaluation ({@code measure_eval}): index the passages (no
   * warm-up, nothing timed), run each line of {@code --rank FILE} (one query per line, backslash
   * escapes) and print per query {@code {"kind":"rank","query":N,"passages":[[doc,score],...]}}:
   * its best passages in score order until ten distinct documents are seen (a document ranks by
   * its best passage). Fuzziness AUTO is on for {@code tuned} and off for {@code plain} unless
   * {@code --fuzzy on|off} says otherwise.
   */
  static void rank(Map<String, String> a) throws Exception {
    String config = a.getOrDefault("--config", "tuned");
    boolean tuned = config.equals("tuned");
    boolean typo = a.getOrDefault("--fuzzy", tuned ? "on" : "off").equals("on");
    int threads = Integer.parseInt(a.getOrDefault("--threads", "1"));
    Path dir = Path.of(a.get("--dir"));
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    // ranking needs no facets (and the documents have facets the bench corpus has not)
    List<Passage> passages = new ArrayList<>();
    for (Passage p : readPassages(Path.of(a.get("--passages")))) {
      passages.add(new Passage(p.doc(), p.lang(), p.title(), p.text(), new String[0]));
    }
    List<String> queries = new ArrayList<>();
    for (String l : Files.readAllLines(Path.of(a.get("--rank")), StandardCharsets.UTF_8)) {
      queries.add(unescape(l));
    }
    Analyzer analyzer = tuned ? tunedAnalyzer() : plainAnalyzer();
    FacetsConfig facetsConfig = new FacetsConfig();
    for (String f : FACETS) {
      facetsConfig.setMultiValued(f, true);
    }
    index(dir, passages, analyzer, facetsConfig, tuned, threads, 128);
    log("lucene-" + config + ": ranking " + queries.size() + " queries over " + passages.size()
        + " passages" + (typo ? ", fuzziness AUTO" : ""));
    try (FSDirectory d = FSDirectory.open(dir);
        DirectoryReader reader = DirectoryReader.open(d)) {
      IndexSearcher searcher = new IndexSearcher(reader);
      Searcher s = new Searcher(searcher, analyzer, facetsConfig, tuned, false);
      for (int i = 0; i < queries.size(); i++) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\"kind\":\"rank\",\"query\":").append(i).append(",\"passages\":[");
        Query q = s.textQuery(queries.get(i), typo);
        if (q != null) {
          TopDocs top = searcher.search(q, 1000);
          java.util.Set<Long> seen = new java.util.HashSet<>();
          boolean first = true;
          for (ScoreDoc sd : top.scoreDocs) {
            long doc = docOf(reader, sd.doc);
            seen.add(doc);
            sb.append(first ? "" : ",").append('[').append(doc).append(',')
                .append(String.format(Locale.ROOT, "%.6f", sd.score)).append(']');
            first = false;
            if (seen.size() == 10) {
              break;
            }
          }
        }
        sb.append("]}");
        out.println(sb);
      }
    }
    deleteTree(dir);
  }

  /** The {@code doc} value (the document's number) of a passage. */
  static long docOf(DirectoryReader reader, int docId) throws IOException {
    for (LeafReaderContext leaf : reader.leaves()) {
      if (docId < leaf.docBase + leaf.reader().maxDoc()) {
        NumericDocValues v = DocValues.getNumeric(leaf.reader(), "doc");
        return v.advanceExact(docId - leaf.docBase) ? v.longValue() : -1;
      }
    }
    return -1;
  }

  static Document document(Passage p, boolean tuned) {
    Document doc = new Document();
    doc.add(new NumericDocValuesField("doc", p.doc));
    if (tuned) {
      doc.add(new TextField("body_" + p.lang, p.text, Field.Store.YES));
      doc.add(new TextField("body_folded", p.text, Field.Store.NO));
      if (!p.title.isEmpty()) {
        doc.add(new TextField("title", p.title, Field.Store.NO));
      }
    } else {
      doc.add(new TextField("body", p.text, Field.Store.YES));
    }
    for (String fp : p.facets) {
      int colon = fp.indexOf(':');
      String facet = fp.substring(0, colon);
      String path = fp.substring(colon + 1);
      doc.add(new StringField("f_" + facet, path, Field.Store.NO));
      doc.add(new SortedSetDocValuesFacetField(facet, path));
    }
    return doc;
  }

  /** Standard tokenizer, lowercase, ASCII folding: the plain configuration's one analyzer. */
  static Analyzer plainAnalyzer() {
    return new Analyzer() {
      @Override
      protected TokenStreamComponents createComponents(String field) {
        Tokenizer t = new StandardTokenizer();
        return new TokenStreamComponents(t, new ASCIIFoldingFilter(new LowerCaseFilter(t)));
      }
    };
  }

  /** Per-field analyzers of the tuned configuration. */
  static Analyzer tunedAnalyzer() {
    Analyzer nynorsk =
        new Analyzer() {
          @Override
          protected TokenStreamComponents createComponents(String field) {
            Tokenizer t = new StandardTokenizer();
            TokenStream s = new LowerCaseFilter(t);
            s = new StopFilter(s, NorwegianAnalyzer.getDefaultStopSet());
            s = new NorwegianLightStemFilter(s, NYNORSK);
            return new TokenStreamComponents(t, s);
          }
        };
    Analyzer folded =
        new Analyzer() {
          @Override
          protected TokenStreamComponents createComponents(String field) {
            Tokenizer t = new StandardTokenizer();
            TokenStream s = new LowerCaseFilter(t);
            s = new ScandinavianFoldingFilter(s);
            s = new ASCIIFoldingFilter(s);
            return new TokenStreamComponents(t, s);
          }
        };
    Map<String, Analyzer> per = new HashMap<>();
    per.put("body_nb", new NorwegianAnalyzer());
    per.put("body_nn", nynorsk);
    per.put("body_sv", new SwedishAnalyzer());
    per.put("body_da", new DanishAnalyzer());
    per.put("body_fi", new FinnishAnalyzer());
    per.put("body_en", new EnglishAnalyzer());
    per.put("body_folded", folded);
    per.put("title", folded);
    return new PerFieldAnalyzerWrapper(folded, per);
  }

  /** {@code doc \t lang \t title \t text \t facet:/path|facet:/path…}, backslash escapes. */
  static List<Passage> readPassages(Path path) throws IOException {
    List<Passage> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        String[] c = line.split("\t", -1);
        if (c.length < 5) {
          continue;
        }
        String[] facets = c[4].isEmpty() ? new String[0] : unescape(c[4]).split("\\|");
        out.add(new Passage(Integer.parseInt(c[0]), c[1], unescape(c[2]), unescape(c[3]), facets));
      }
    }
    return out;
  }

  /** The harness's {@code queries-N.tsv}: class, band, query (quoted = phrase), filters. */
  static List<BenchQuery> readQueries(Path path) throws IOException {
    List<BenchQuery> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    for (String line : lines.subList(1, lines.size())) {
      String[] c = line.split("\t", -1);
      String text = c[2];
      boolean phrase = text.length() > 1 && text.startsWith("\"") && text.endsWith("\"");
      String bare = phrase ? text.substring(1, text.length() - 1) : text;
      List<String> words = List.of(bare.trim().split(" +"));
      List<String[]> filters = new ArrayList<>();
      if (c.length > 3 && !c[3].isEmpty()) {
        for (String f : c[3].split("&")) {
          filters.add(f.split("=", 2));
        }
      }
      out.add(new BenchQuery(text, phrase, words, filters));
    }
    return out;
  }

  static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        b.append(n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n);
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted((x, y) -> y.getNameCount() - x.getNameCount()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Peak resident memory of this JVM so far ({@code VmHWM}), bytes; 0 when unknown. */
  static long peakRss() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith("VmHWM:")) {
          return Long.parseLong(l.substring(6).replace("kB", "").trim()) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux
    }
    return 0;
  }

  static void log(String msg) {
    System.err.println("[lucene] " + msg);
  }
}
