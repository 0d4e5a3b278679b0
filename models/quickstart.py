# %% [markdown]
# # From a notebook to a signed bundle: the sealed-onnx quick start
#
# A course-style workflow: train a scikit-learn pipeline on a mixed-type DataFrame (numbers
# with missing values, a string category, a boolean), seal it into one signed bundle, load it
# back with every check, and predict. The same bundle then loads in the browser (the demo page)
# and in Node (the npm package `sealed-onnx`).
#
# Run it as a script (`python models/quickstart.py [OUT_DIR]`) or open it as a notebook
# (Jupyter and VS Code read this "percent" format). CI runs it in a fresh venv with only the
# pinned scikit-learn stack plus the built wheel.

# %%
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.model_selection import cross_val_score, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

import sealed_onnx as so

out_dir = Path(sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else ".")
out_dir.mkdir(parents=True, exist_ok=True)

# %% [markdown]
# ## 1. Data: made-up loan applications
# `income` is sometimes not reported (NaN), `employment` is a string category and
# `has_guarantor` a boolean.

# %%
rng = np.random.default_rng(7)
n = 800
employment = rng.choice(["salaried", "self-employed", "student", "retired"], n, p=[0.55, 0.2, 0.15, 0.1])
income = np.round(rng.gamma(4.0, 900.0, n) + np.where(employment == "student", -1500, 0).clip(-1500, 0), 0)
income = np.clip(income, 300, None)
age = rng.integers(18, 80, n)
has_guarantor = rng.random(n) < 0.3
amount = np.round(rng.uniform(500, 20000, n), -2)
score = income / 1000 - amount / 6000 + 1.2 * has_guarantor + (employment == "salaried") * 0.8 - (age > 70) * 0.5
approved = np.where(score + rng.logistic(0, 0.6, n) > 1.5, "approved", "declined")
income_reported = income.astype(float)
income_reported[rng.random(n) < 0.1] = np.nan

df = pd.DataFrame({
    "income": income_reported,          # float64 with NaN -> nullable float
    "age": age,                         # int64 -> integer
    "amount": amount,                   # float64
    "employment": employment,           # strings -> a category list
    "has_guarantor": has_guarantor,     # bool -> boolean
})
X_train, X_test, y_train, y_test = train_test_split(df, approved, test_size=0.2, random_state=0, stratify=approved)
df.dtypes

# %% [markdown]
# ## 2. A pipeline: impute, one-hot encode, random forest

# %%
prep = ColumnTransformer([
    ("numbers", SimpleImputer(strategy="median"), ["income", "age", "amount"]),
    ("flags", "passthrough", ["has_guarantor"]),
    ("category", OneHotEncoder(handle_unknown="ignore"), ["employment"]),
])
pipe = Pipeline([("prep", prep), ("model", RandomForestClassifier(n_estimators=40, max_depth=6, random_state=0))])
cv = cross_val_score(pipe, X_train, y_train, cv=5)
pipe.fit(X_train, y_train)
print(f"cross-validated accuracy {cv.mean():.3f} ± {cv.std():.3f}, held-out {pipe.score(X_test, y_test):.3f}")

# %% [markdown]
# ## 3. Seal it: one call
# A key pair first (the private key is written readable by you only). `seal` exports the
# pipeline (one graph input per column, with its own type), infers the schema from the
# dtypes and the data's own ranges, records the training metadata, checks scikit-learn's
# predictions on the held-out rows against the sealed-onnx engine, signs, and loads the
# result once. No training row goes into the bundle.

# %%
key = out_dir / "me.pem"
if not key.exists():
    so.keygen(out_dir / "me")
bundle = so.seal(
    pipe, X_train, y_train,
    name="loan", version="1.0.0",
    card={
        "description": "Random forest that predicts whether a (made-up) loan application is approved.",
        "intended_use": "Teaching: the sealed-onnx quick start.",
        "limitations": "Synthetic data; not for real lending decisions.",
        "authors": ["sealed-onnx quick start"],
        "license": "MIT",
    },
    units={"income": "EUR/month", "amount": "EUR", "age": "years"},
    X_test=X_test, cv_scores=cv, cv_metric="accuracy", random_seed=0,
    key=key, out=out_dir / "loan-1.0.0.sonnx", force=True,
)
bundle

# %% [markdown]
# ## 4. Load it back, as anyone receiving the file would
# With the public key, the signature must verify; the test vectors run again.

# %%
model = so.load(out_dir / "loan-1.0.0.sonnx", public_key=out_dir / "me.pub.pem")
predictions = model.predict(X_test)
predictions.head()

# %%
# The bundle computes what scikit-learn computes, row for row.
assert (predictions["label"].to_numpy() == pipe.predict(X_test)).all()
expected = pipe.predict_proba(X_test)
for k, c in enumerate(pipe.classes_):
    assert np.allclose(predictions[f"proba_{c}"], expected[:, k], rtol=1e-5, atol=1e-6), c
assert predictions["verified"].all()
print(f"{len(X_test)} held-out rows: labels identical, probabilities within 1e-5")

# %% [markdown]
# ## 5. Bad inputs are refused with every problem listed, and drift is measured

# %%
bad = X_test.head(3).copy()
bad["age"] = [17, 200, 40]
bad["employment"] = ["salaried", "astronaut", "student"]
print(model.validate(bad))
try:
    model.predict(bad)
except so.SchemaError as e:
    print(e)

# %%
older = X_test.assign(age=X_test["age"].clip(lower=60))
print(model.drift(older))
