//! Facts written down outside Rust are checked against the one place they are defined: the error codes
//! (`ErrorCode::ALL`) in the TypeScript union of `index.d.ts` and the table of `docs/api.md`.

use std::path::Path;

use session_seal_core::ErrorCode;

fn repo_file(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn sorted(mut codes: Vec<String>) -> Vec<String> {
    codes.sort();
    codes
}

fn all_codes() -> Vec<String> {
    sorted(ErrorCode::strings().iter().map(|s| s.to_string()).collect())
}

/// The members of `export type SessionSealErrorCode = | '…' | '…'` (one per line, as the header has it).
fn typescript_union(text: &str) -> Vec<String> {
    let start = text
        .find("export type SessionSealErrorCode =")
        .expect("index.d.ts declares SessionSealErrorCode");
    let codes = text[start..]
        .lines()
        .skip(1)
        .map(str::trim)
        .take_while(|line| line.starts_with("| '"))
        .map(|line| {
            line.trim_start_matches("| '")
                .trim_end_matches('\'')
                .to_string()
        })
        .collect();
    sorted(codes)
}

/// The first column of the error table: rows that start with ``| `ERR_`` (or with the SDK's own code).
fn docs_table(text: &str) -> Vec<String> {
    let codes = text
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split('`').next())
        .filter(|code| code.starts_with("ERR_") || *code == "session_domain_mismatch")
        .map(str::to_string)
        .collect();
    sorted(codes)
}

#[test]
fn the_typescript_union_lists_exactly_the_codes() {
    assert_eq!(typescript_union(&repo_file("index.d.ts")), all_codes());
}

#[test]
fn the_api_docs_table_lists_exactly_the_codes() {
    assert_eq!(docs_table(&repo_file("docs/api.md")), all_codes());
}

#[test]
fn the_readers_find_what_they_look_for() {
    let union = "export type SessionSealErrorCode =\n  | 'ERR_A'\n  | 'ERR_B'\n\nexport type X = 1";
    assert_eq!(typescript_union(union), ["ERR_A", "ERR_B"]);
    let table = "| Code | When |\n|---|---|\n| `ERR_B` | b |\n| `ERR_A` | a |\n| `other` | x |";
    assert_eq!(docs_table(table), ["ERR_A", "ERR_B"]);
}
