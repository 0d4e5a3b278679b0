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

/// A two-entry archive and the offsets of its records: (bytes, central directory, end).
fn sample() -> (Vec<u8>, usize, usize) {
    let bytes = write(&[("model.onnx", &[7u8; 3000]), ("manifest.json", b"{}")]);
    let eocd = bytes.len() - 22;
    let cd = u32::from_le_bytes(bytes[eocd + 16..eocd + 20].try_into().unwrap()) as usize;
    (bytes, cd, eocd)
}

fn check_of(bytes: &[u8]) -> &'static str {
    read(bytes, &limits()).unwrap_err().check()
}

#[test]
fn data_around_the_structures_is_refused() {
    let (bytes, cd, eocd) = sample();
    let mut prepended = vec![b'#'; 10];
    prepended.extend_from_slice(&bytes);
    assert_eq!(check_of(&prepended), "zip.prepended-data");

    let mut trailing = bytes.clone();
    trailing.extend_from_slice(b"xyz");
    assert_eq!(
        read(&trailing, &limits()),
        Err(ZipError::DataAfterEndRecord { bytes: 3 })
    );

    let mut commented = bytes.clone();
    commented[eocd + 20] = 3;
    commented.extend_from_slice(b"abc");
    assert_eq!(
        read(&commented, &limits()),
        Err(ZipError::ArchiveComment { length: 3 })
    );

    let mut junk = bytes[..eocd].to_vec();
    junk.extend_from_slice(b"JUNK");
    junk.extend_from_slice(&bytes[eocd..]);
    assert_eq!(
        read(&junk, &limits()),
        Err(ZipError::JunkBeforeEndRecord { bytes: 4 })
    );

    let mut gap = bytes[..cd].to_vec();
    gap.extend_from_slice(b"GAP");
    gap.extend_from_slice(&bytes[cd..]);
    let at = gap.len() - 22 + 16;
    let moved = (cd as u32 + 3).to_le_bytes();
    gap[at..at + 4].copy_from_slice(&moved);
    assert_eq!(
        read(&gap, &limits()),
        Err(ZipError::DataBeforeDirectory { bytes: 3 })
    );
}

#[test]
fn local_header_must_match_the_directory() {
    let (bytes, _, _) = sample();
    // Local header fields: 8 method, 14 crc, 18 compressed size, 22 size, 10 time.
    for (at, field) in [
        (8, "compression method"),
        (10, "modification time"),
        (14, "CRC-32"),
        (18, "compressed size"),
        (22, "uncompressed size"),
    ] {
        let mut b = bytes.clone();
        b[at] ^= 0x01;
        assert_eq!(
            read(&b, &limits()),
            Err(ZipError::LocalHeaderMismatch {
                name: "model.onnx".into(),
                field
            }),
            "{field}"
        );
    }
    let mut b = bytes.clone();
    b[30] = b'M';
    assert_eq!(
        read(&b, &limits()),
        Err(ZipError::LocalHeaderMismatch {
            name: "model.onnx".into(),
            field: "name"
        })
    );
}

#[test]
fn flags_versions_and_zip64_are_refused() {
    let (bytes, cd, eocd) = sample();
    let set16 =
        |b: &mut Vec<u8>, at: usize, v: u16| b[at..at + 2].copy_from_slice(&v.to_le_bytes());
    for (bit, meaning) in [
        (0, "encryption"),
        (3, "data descriptor (sizes after the data)"),
        (6, "strong encryption"),
    ] {
        let mut b = bytes.clone();
        set16(&mut b, 6, FLAG_UTF8_FOR_TESTS | 1 << bit);
        set16(&mut b, cd + 8, FLAG_UTF8_FOR_TESTS | 1 << bit);
        assert_eq!(
            read(&b, &limits()),
            Err(ZipError::DisallowedFlag {
                name: "model.onnx".into(),
                bit,
                meaning
            })
        );
    }
    let mut b = bytes.clone();
    set16(&mut b, 4, 45);
    set16(&mut b, cd + 6, 45);
    assert_eq!(check_of(&b), "zip.version-needed");

    let mut b = bytes.clone();
    b[eocd + 16..eocd + 20].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(check_of(&b), "zip.zip64");

    // A zip64 locator right before the end record (inside the last directory entry here).
    let mut b = bytes.clone();
    b[eocd - 20..eocd - 16].copy_from_slice(b"PK\x06\x07");
    assert_eq!(check_of(&b), "zip.zip64");
}

#[test]
fn entry_count_must_match_the_directory() {
    let (mut bytes, _, eocd) = sample();
    bytes[eocd + 8] = 1;
    bytes[eocd + 10] = 1;
    assert_eq!(
        read(&bytes, &limits()),
        Err(ZipError::EntryCountMismatch {
            declared: 1,
            found: 2
        })
    );
}

#[test]
fn deflate_must_end_exactly_at_the_compressed_size() {
    let data = vec![5u8; 4000];
    let mut body = miniz_oxide::deflate::compress_to_vec(&data, 9);
    let entry = |body: &[u8], size: u32| {
        let mut b = write(&[("model.onnx", &data)]);
        let old = u32::from_le_bytes(b[18..22].try_into().unwrap()) as usize;
        b.splice(30 + 10..30 + 10 + old, body.iter().copied());
        b[18..22].copy_from_slice(&(body.len() as u32).to_le_bytes());
        b[22..26].copy_from_slice(&size.to_le_bytes());
        let eocd = b.len() - 22;
        let cd = u32::from_le_bytes(b[eocd + 16..eocd + 20].try_into().unwrap()) as usize;
        let new_cd = (cd as i64 + body.len() as i64 - old as i64) as u32;
        b[eocd + 16..eocd + 20].copy_from_slice(&new_cd.to_le_bytes());
        let cd = new_cd as usize;
        b[cd + 20..cd + 24].copy_from_slice(&(body.len() as u32).to_le_bytes());
        b[cd + 24..cd + 28].copy_from_slice(&size.to_le_bytes());
        b
    };
    assert_eq!(read(&entry(&body, 4000), &limits()).unwrap()[0].data, data);
    assert_eq!(check_of(&entry(&body, 3999)), "zip.inflated-size-mismatch");
    assert_eq!(check_of(&entry(&body, 4001)), "zip.inflated-size-mismatch");
    body.extend_from_slice(b"hidden");
    assert_eq!(
        read(&entry(&body, 4000), &limits()),
        Err(ZipError::CompressedTrailingData {
            name: "model.onnx".into(),
            bytes: 6
        })
    );
}

/// An entry holding `data`, its deflate body replaced by `body` and its declared size by
/// `size` (in the local header and the directory).
fn with_body(data: &[u8], body: &[u8], size: u32) -> Vec<u8> {
    let mut b = write(&[("model.onnx", data)]);
    let old = u32::from_le_bytes(b[18..22].try_into().unwrap()) as usize;
    b.splice(30 + 10..30 + 10 + old, body.iter().copied());
    b[18..22].copy_from_slice(&(body.len() as u32).to_le_bytes());
    b[22..26].copy_from_slice(&size.to_le_bytes());
    let eocd = b.len() - 22;
    let cd = u32::from_le_bytes(b[eocd + 16..eocd + 20].try_into().unwrap()) as usize;
    let new_cd = (cd as i64 + body.len() as i64 - old as i64) as u32;
    b[eocd + 16..eocd + 20].copy_from_slice(&new_cd.to_le_bytes());
    let cd = new_cd as usize;
    b[cd + 20..cd + 24].copy_from_slice(&(body.len() as u32).to_le_bytes());
    b[cd + 24..cd + 28].copy_from_slice(&size.to_le_bytes());
    b
}

#[test]
fn entries_of_several_inflate_chunks_round_trip_and_keep_their_exact_size() {
    // Inflating works chunk by chunk: back-references that reach into earlier chunks, sizes
    // that end exactly on a chunk boundary or just after one, one byte more or less.
    let chunk = inflate::CHUNK;
    let mut state = 0x2545_f491_u32;
    let block: Vec<u8> = (0..20_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state % 7) as u8
        })
        .collect();
    for len in [chunk - 1, chunk, chunk + 1, 2 * chunk, 3 * chunk + 17] {
        let data: Vec<u8> = block.iter().copied().cycle().take(len).collect();
        let body = miniz_oxide::deflate::compress_to_vec(&data, 6);
        let size = len as u32;
        let read_back = read(&with_body(&data, &body, size), &limits()).unwrap();
        assert_eq!(read_back[0].data, data, "{len} bytes");
        for wrong in [size - 1, size + 1] {
            assert_eq!(
                read(&with_body(&data, &body, wrong), &limits()),
                Err(ZipError::InflatedSizeMismatch {
                    name: "model.onnx".into(),
                    declared: wrong.into(),
                    larger: wrong < size,
                }),
                "{len} bytes declared as {wrong}"
            );
        }
    }
}

#[test]
fn empty_entries_round_trip() {
    let bytes = write(&[("a", b""), ("b", b"")]);
    let entries = read(&bytes, &limits()).unwrap();
    assert!(entries.iter().all(|e| e.data.is_empty()));
}

const FLAG_UTF8_FOR_TESTS: u16 = 1 << 11;
