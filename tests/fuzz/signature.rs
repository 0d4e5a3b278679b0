//! The signature parser (Sigstore bundle JSON, DSSE envelope, in-toto statement): never
//! panics, and accepts nothing but the signed files, whatever is changed around them.

use proptest::prelude::*;
use sealed_onnx::bundle::{zip, Limits};
use sealed_onnx::trust::{parse_public_key_pem, verify, Resource};

use crate::seeds::{bundles, config, mutated};

/// Each example's (signature, the files it covers).
fn signed() -> Vec<(Vec<u8>, Vec<Resource>)> {
    bundles()
        .iter()
        .map(|b| {
            let entries = zip::read(b, &Limits::default()).expect("example");
            let get = |n: &str| entries.iter().find(|e| e.name == n).expect(n).data.clone();
            let files = vec![
                Resource::new("model.onnx", &get("model.onnx")),
                Resource::new("manifest.json", &get("manifest.json")),
            ];
            (get("model.sig"), files)
        })
        .collect()
}

fn key() -> p256::ecdsa::VerifyingKey {
    let pem = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/keys/demo-public-key.pem"),
    )
    .expect("demo key");
    parse_public_key_pem(&pem).expect("demo key parses")
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn mutated_signatures(bytes in mutated(signed().into_iter().map(|s| s.0).collect(), 4)) {
        let all = signed();
        let key = key();
        // Whatever the bytes, verifying against any example's files never panics; the
        // files a signature verifies for are the ones it was made for.
        let verdicts: Vec<bool> = all.iter().map(|(_, files)| verify(&bytes, files, &key).is_ok()).collect();
        prop_assert!(verdicts.iter().filter(|v| **v).count() <= 1);
    }

    #[test]
    fn signatures_for_other_files_never_verify(which in 0..4usize, name in "[a-z.]{1,12}", data in proptest::collection::vec(any::<u8>(), 0..64)) {
        let (sig, mut files) = signed().swap_remove(which);
        files.push(Resource::new(name, &data));
        prop_assert!(verify(&sig, &files, &key()).is_err());
    }
}
