//! The config file loader: any text is a config or an error naming the file.

#![no_main]

use libfuzzer_sys::fuzz_target;
use plancheck::config::Config;

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    if let Err(e) = Config::parse("fuzz.toml", &src) {
        assert!(
            e.place.starts_with("fuzz.toml") && !e.message.is_empty(),
            "{e}"
        );
    }
});
