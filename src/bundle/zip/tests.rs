use super::*;

fn limits() -> Limits {
    Limits::default()
}

#[test]
fn round_trip_small_and_compressible() {
    let big = vec![b'a'; 100_000];
    let bytes = write(&[("x", b"hello"), ("y", &big)]);
    let entries = read(&bytes, &limits()).unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].data, b"hello");
    assert_eq!(entries[1].data, big);
}

#[test]
fn every_truncation_is_an_error_not_a_panic() {
    let bytes = write(&[("model.onnx", &[1u8; 5000]), ("manifest.json", b"{}")]);
    for cut in 0..bytes.len() {
        assert!(read(&bytes[..cut], &limits()).is_err(), "cut at {cut}");
    }
}

#[test]
fn every_flipped_byte_is_an_error_or_identical_content() {
    let original = write(&[("a", b"some content here"), ("b", &[9u8; 300])]);
    let good = read(&original, &limits()).unwrap();
    for i in 0..original.len() {
        let mut bytes = original.clone();
        bytes[i] ^= 0x55;
        // Some bytes (timestamps, version fields) do not affect the content; nothing may panic
        // and nothing may come back different without an error.
        if let Ok(entries) = read(&bytes, &limits()) {
            assert_eq!(entries, good, "flip at {i} changed content silently");
        }
    }
}

#[test]
fn not_a_zip() {
    assert_eq!(
        read(b"hello world, not a zip at all", &limits()),
        Err(ZipError::NotAZip)
    );
    assert_eq!(read(b"", &limits()), Err(ZipError::NotAZip));
}

#[test]
fn duplicate_entries_are_refused() {
    let bytes = write(&[("model.onnx", b"one"), ("model.onnx", b"two")]);
    assert_eq!(
        read(&bytes, &limits()),
        Err(ZipError::DuplicateEntry {
            name: "model.onnx".into()
        })
    );
}

#[test]
fn crc_mismatch_is_detected() {
    let mut bytes = write(&[("a", b"abcdefgh")]);
    // Stored entry: the data begins right after the 30-byte local header and the name.
    bytes[31] ^= 1;
    assert_eq!(
        read(&bytes, &limits()),
        Err(ZipError::CrcMismatch { name: "a".into() })
    );
}

#[test]
fn compression_bomb_is_refused() {
    let zeros = vec![0u8; 50 << 20];
    let bytes = write(&[("model.onnx", &zeros)]);
    assert!(bytes.len() < 1 << 20);
    assert!(matches!(
        read(&bytes, &limits()),
        Err(ZipError::CompressionBomb { .. })
    ));
}

#[test]
fn size_limits_are_enforced() {
    let bytes = write(&[("a", &[1u8; 1000]), ("b", &[2u8; 1000])]);
    let small = Limits {
        max_bundle_bytes: 100,
        ..limits()
    };
    assert!(matches!(
        read(&bytes, &small),
        Err(ZipError::TooLarge { .. })
    ));
    let entry = Limits {
        max_entry_bytes: 999,
        ..limits()
    };
    assert!(matches!(
        read(&bytes, &entry),
        Err(ZipError::EntryTooLarge { .. })
    ));
    let total = Limits {
        max_uncompressed_bytes: 1500,
        ..limits()
    };
    assert!(matches!(
        read(&bytes, &total),
        Err(ZipError::UncompressedTooLarge { .. })
    ));
    let count = Limits {
        max_entries: 1,
        ..limits()
    };
    assert!(matches!(
        read(&bytes, &count),
        Err(ZipError::TooManyEntries { .. })
    ));
}
