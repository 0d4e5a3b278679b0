"""seal() of a text pipeline (TfidfVectorizer → LogisticRegression fitted on a column of
documents): the column becomes a ``text`` feature with a max_length, the bundle predicts as
scikit-learn does, a too-long text is a SchemaError (too_long), and drift reports the
unknown-token rate against the training texts'."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pandas as pd
import pytest

import sealed_onnx as so
from conftest import CARD

TOPICS = {
    "cooking": "bake butter flour oven salt sauce simmer garlic onion pepper recipe sugar".split(),
    "science": "lab theory physics quantum molecule protein planet telescope energy experiment".split(),
    "sport": "goal match team league player striker referee penalty stadium season score".split(),
}
FILLER = "the of and to in is it with this".split()  # no one-letter word: ONNX tokenises those


def documents(n: int, seed: int) -> tuple[pd.Series, list[str]]:
    rng = np.random.default_rng(seed)
    topics = list(TOPICS)
    labels = [topics[i % 3] for i in range(n)]
    docs = []
    for t in labels:
        words = list(rng.choice(TOPICS[t], size=rng.integers(4, 12))) + list(rng.choice(FILLER, size=4))
        rng.shuffle(words)
        docs.append(" ".join(words).capitalize() + ".")
    return pd.Series(docs, name="review"), labels


def manifest(path) -> dict:
    with zipfile.ZipFile(path) as z:
        return json.loads(z.read("manifest.json"))


@pytest.fixture(scope="module")
def sealed(tmp_path_factory, keys):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    X, y = documents(240, 0)
    X_test, _ = documents(40, 1)
    model = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=500)).fit(X, y)
    out = tmp_path_factory.mktemp("text") / "topics.sonnx"
    b = so.seal(model, X, y, name="topics", version="1.0.0", card=CARD, key=keys.private_key, out=out, X_test=X_test)
    return model, b, X, X_test


def test_a_vectorized_column_is_a_text_feature(sealed):
    _, b, X, _ = sealed
    m = manifest(b.path)
    longest = max(len(d) for d in X)
    assert m["inputs"]["features"] == [{"name": "review", "type": "text", "max_length": max(4 * longest, 1000), "nullable": False}]
    assert m["inputs"]["binding"]["columns"][0] == {"feature": "review", "input": "review", "dtype": "string"}
    base = m["drift_baseline"]["features"]["review"]
    assert base["kind"] == "text"
    # Every training word is in the vocabulary (no min_df): no unknown token.
    assert base["unknown_tokens"]["tokens"] > 1000 and base["unknown_tokens"]["unknown"] == 0


def test_predicts_as_scikit_learn_and_refuses_a_too_long_text(sealed, keys):
    model, b, _, X_test = sealed
    loaded = so.load(b.path, public_key=keys.public_key)
    got = loaded.predict(pd.DataFrame({"review": X_test}))
    assert (got["label"].to_numpy() == model.predict(X_test)).all()
    np.testing.assert_allclose(got[[c for c in got.columns if c.startswith("proba_")]].to_numpy(),
                               model.predict_proba(X_test), rtol=1e-5, atol=1e-5)
    with pytest.raises(so.SchemaError) as e:
        loaded.predict({"review": "goal " * 1000})
    assert [i["code"] for i in e.value.issues] == ["too_long"]
    assert loaded.predict({"review": "a penalty in the match"})["label"].iloc[0] == "sport"


def test_drift_reports_the_unknown_token_rate(sealed, keys):
    _, b, _, X_test = sealed
    loaded = so.load(b.path, public_key=keys.public_key)
    same = loaded.drift(pd.DataFrame({"review": X_test}))
    assert same.loc["review", "unknown_token_rate"] == 0.0
    assert same.loc["review", "unknown_token_level"] == "none"
    unseen = loaded.drift(pd.DataFrame({"review": ["quarterly invoices overdue again"] * 30}))
    assert unseen.loc["review", "unknown_token_rate"] == 1.0
    assert unseen.loc["review", "baseline_unknown_token_rate"] == 0.0
    assert unseen.loc["review", "unknown_token_level"] == "significant"


def test_a_column_transformer_gives_a_vectorizer_one_named_column(tmp_path, keys):
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    docs, y = documents(240, 2)
    X = pd.DataFrame({"review": docs, "stars": np.arange(240, dtype=float) % 5})
    prep = ColumnTransformer([("words", CountVectorizer(), "review"), ("num", "passthrough", ["stars"])])
    model = make_pipeline(prep, LogisticRegression(max_iter=1000)).fit(X, y)
    b = so.seal(model, X, y, name="mixed", version="1.0.0", card=CARD, key=keys.private_key,
                out=tmp_path / "mixed.sonnx", X_test=X.iloc[:40])
    features = {f["name"]: f for f in manifest(b.path)["inputs"]["features"]}
    assert features["review"]["type"] == "text" and features["stars"]["type"] == "float"
    loaded = so.load(b.path, public_key=keys.public_key)
    assert (loaded.predict(X.iloc[:40])["label"].to_numpy() == model.predict(X.iloc[:40])).all()
    assert "unknown_token_rate" in loaded.drift(X.iloc[:40]).columns
