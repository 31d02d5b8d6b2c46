//! Compiles the PostgreSQL variant of every backend test as a real test when
//! LUMIKU_TEST_POSTGRES_URL is set, and as an ignored one (with the reason) when it is not.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(lumiku_postgres_tests)");
    println!("cargo::rerun-if-env-changed=LUMIKU_TEST_POSTGRES_URL");
    if std::env::var_os("LUMIKU_TEST_POSTGRES_URL").is_some_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=lumiku_postgres_tests");
    }
}
