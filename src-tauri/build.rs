fn main() {
    // tauri.conf.json sits at the repository root (see docs/decisions.md); capabilities stay in
    // src-tauri/ next to the code that needs them.
    let attrs =
        tauri_build::Attributes::new().capabilities_path_pattern("src-tauri/capabilities/*.json");
    tauri_build::try_build(attrs).expect("tauri build script failed");
}
