//! The zip reader: never panics; whatever it accepts is within the limits, has unique names
//! and survives a write/read round trip unchanged.

use proptest::prelude::*;
use sealed_onnx::bundle::{zip, Bundle, Limits};

use crate::seeds::{archives, config, mutated};

fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    let limits = Limits::default();
    let _ = Bundle::read(bytes, &limits);
    if let Ok(entries) = zip::read(bytes, &limits) {
        let total: u64 = entries.iter().map(|e| e.data.len() as u64).sum();
        prop_assert!(total <= limits.max_uncompressed_bytes);
        prop_assert!(entries.len() <= limits.max_entries);
        for (i, e) in entries.iter().enumerate() {
            prop_assert!(entries[..i].iter().all(|o| o.name != e.name));
        }
        let refs: Vec<(&str, &[u8])> = entries
            .iter()
            .map(|e| (e.name.as_str(), e.data.as_slice()))
            .collect();
        let again = zip::read(&zip::write(&refs), &limits);
        prop_assert_eq!(again.as_ref(), Ok(&entries));
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn mutated_archives(bytes in mutated(archives(), 6)) {
        check(&bytes)?;
    }

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        check(&bytes)?;
        // The same bytes behind a valid local-header signature and before an end record.
        let mut framed = b"PK\x03\x04".to_vec();
        framed.extend_from_slice(&bytes);
        framed.extend_from_slice(b"PK\x05\x06\0\0\0\0\x01\0\x01\0\x2e\0\0\0\x04\0\0\0\0\0");
        check(&framed)?;
    }
}
