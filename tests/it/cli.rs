//! The command line as users see it: help, exit codes, the summary line.

use std::process::Command;

use crate::common::fixture;

fn kartotek() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kartotek"))
}

#[test]
fn ingest_reports_each_bad_file_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let out = kartotek()
        .args([
            "--index",
            &dir.path().join("i").display().to_string(),
            "ingest",
        ])
        .arg(fixture("junk.bin"))
        .arg(fixture("lang/nynorsk.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("junk.bin: unsupported format (binary data)"),
        "{err}"
    );
    assert!(err.contains("indexed 1 documents"), "{err}");
    assert!(err.contains("failed 1"), "{err}");
}

#[test]
fn a_file_name_that_is_no_utf8_is_ingested_not_a_panic() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"strategi-\xff\x01.txt");
    let file = dir.path().join(name);
    std::fs::copy(fixture("lang/nynorsk.txt"), &file).unwrap();
    let out = kartotek()
        .args([
            "--index",
            &dir.path().join("i").display().to_string(),
            "ingest",
        ])
        .arg(&file)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("indexed 1 documents"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    let out = kartotek()
        .args(["search", "--limit", "many", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = kartotek().args(["frobnicate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn search_json_prints_total_and_hits() {
    let dir = tempfile::tempdir().unwrap();
    // a brand-new index at the default location gets the built-in corpus
    let out = kartotek()
        .current_dir(dir.path())
        .env_remove("KARTOTEK_INDEX")
        .args(["search", "Erasmus", "--json"])
        .output()
        .unwrap();
    crate::common::assert_exit_ok(&out);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["total"].as_u64().unwrap() >= 1);
    let hit = &v["hits"][0];
    for key in [
        "id", "title", "url", "lang", "score", "page", "snippet", "facets",
    ] {
        assert!(hit.get(key).is_some(), "missing {key}");
    }
}

#[test]
fn help_lists_the_subcommands() {
    let out = kartotek().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    insta::assert_snapshot!(help);
}

#[test]
fn readme_documents_every_flag_of_every_subcommand() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for sub in ["ingest", "search", "facets", "crawl", "eval", "serve"] {
        let out = kartotek().args([sub, "--help"]).output().unwrap();
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(
            readme.contains(&format!("  {sub} ")),
            "README lacks the `{sub}` subcommand"
        );
        for flag in help
            .split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']')
            .filter(|w| w.starts_with("--") && w.len() > 2)
            .map(|w| w.split(['=', '<']).next().unwrap_or(w))
        {
            if flag == "--help" || flag == "--version" {
                continue;
            }
            assert!(
                readme.contains(flag),
                "README does not document `{sub} {flag}`"
            );
        }
    }
}

#[test]
fn extract_prints_each_files_text_and_names_the_ones_it_cannot_read() {
    let out = kartotek()
        .arg("extract")
        .arg(fixture("ghostscript/enscript-ps2pdf.pdf"))
        .arg(fixture("junk.bin"))
        .arg(fixture("lang/nynorsk.txt"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "one of three files is unreadable"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("enscript-ps2pdf.pdf <=="), "{text}");
    assert!(text.contains("Kvernhusbekken"), "{text}");
    assert!(text.contains("nynorsk.txt <=="), "{text}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("junk.bin: unsupported format (binary data)"),
        "{err}"
    );

    let out = kartotek()
        .args(["extract", "--json"])
        .arg(fixture("ghostscript/enscript-ps2pdf.pdf"))
        .output()
        .unwrap();
    crate::common::assert_exit_ok(&out);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["pages"][0].as_str().unwrap().contains("Trøndelag"));
    assert!(v["millis"].as_f64().unwrap() > 0.0);
    assert_eq!(v["warnings"], serde_json::json!([]));
}
