"""Plain-language help for every number the dashboard and the reports show.

One sentence or two per metric, for a reader who knows what a model and a dataset are but not
what a Fréchet distance is: what it measures, which direction is good, and what to compare it
with. A test checks that every metric the service can compute has an entry here.
"""

from __future__ import annotations

# Shift metrics describe how far apart the source and target embeddings are (lower = closer).
SHIFT_HELP: dict[str, str] = {
    "frechet_distance": (
        "How far apart the two datasets are, fitting a bell curve (mean and covariance) to each "
        "side. 0 means the same mean and spread; compare it with its same-distribution baseline "
        "(two random halves of the target): several times the baseline is a real shift."),
    "coral_distance": (
        "How differently the features vary and co-vary on the two sides (difference of the "
        "covariance matrices), ignoring where the centres are. Lower = the same structure."),
    "mean_cosine_distance": (
        "The angle between the average source embedding and the average target embedding: "
        "0 = they point the same way, 1 = unrelated, 2 = opposite."),
    "gaussian_kl": (
        "Kullback-Leibler divergence between bell curves fitted to each side: how surprised a "
        "model of the source would be by the target. 0 = identical; grows with the shift."),
    "bhattacharyya_distance": (
        "How little the two fitted bell curves overlap. 0 = complete overlap; large = the "
        "datasets occupy different regions of the embedding space."),
    "mmd": (
        "Maximum mean discrepancy (squared): a kernel two-sample test on the rows themselves. "
        "Near 0 = no detectable difference; its p-value says how likely a value this large is "
        "if both sides came from the same distribution (small p = a real shift)."),
    "energy_distance": (
        "Compares distances between rows across the two sides with distances within each side; "
        "0 only when the distributions are the same. Lower = closer."),
    "proxy_a_distance": (
        "How easily a simple classifier tells source rows from target rows: 0 = it cannot "
        "(indistinguishable), 2 = it always can (completely different data)."),
    "sliced_wasserstein": (
        "The average effort of moving the source rows onto the target rows, measured along many "
        "random directions (optimal transport). 0 = same distribution; in embedding units."),
    "ks_fdr_share": (
        "The share of embedding dimensions whose values differ significantly between source and "
        "target (one test per dimension, false discoveries controlled). 0 = none, 1 = all."),
}

# Transferability metrics say how useful the source's features are for the target's labels.
TRANSFER_HELP: dict[str, str] = {
    "logme": (
        "How well a linear model on the frozen features explains the target labels, as a "
        "Bayesian evidence per example. Higher = more useful features; compare models on the "
        "same target, not across targets."),
    "hscore": (
        "How well the features separate the target classes (spread between class centres "
        "against total spread). Higher = classes easier to tell apart with these features."),
    "hscore_shrinkage": (
        "The H-score with a stabilised (shrunk) covariance, more trustworthy with few labeled "
        "examples. Higher = better class separation."),
    "leep": (
        "How well the source model's own predictions on target examples predict the target "
        "labels (log-likelihood, at most 0). Closer to 0 = the source model already knows "
        "something useful."),
    "nce": (
        "How much knowing the source model's predicted class tells you about the target label "
        "(negative conditional entropy, at most 0). Closer to 0 = more informative."),
    "transrate": (
        "How much information the features carry about the labels (coding rate of all "
        "features minus that within each class). Higher = more label information; depends "
        "on feature scale, so compare like with like."),
    "gbc": (
        "How much the target classes overlap in feature space (Gaussian Bhattacharyya "
        "coefficient, at most 0). Closer to 0 = classes overlap less = easier transfer."),
    "linear_probe_accuracy": (
        "Cross-validated accuracy of a linear classifier on the frozen features using the "
        "labeled target examples: roughly what feature extraction would reach. Compare with "
        "chance and with scratch_probe_accuracy."),
    "knn_accuracy": (
        "Cross-validated accuracy of nearest-neighbour voting on the features: high when "
        "examples of the same class already sit together in the embedding space."),
    "scratch_probe_accuracy": (
        "The same probe on simple features of the raw target data (what training from "
        "scratch starts from). If it is as good as the linear probe, transfer adds little."),
    "scratch_knn_accuracy": (
        "Nearest-neighbour voting on the same simple raw-data features: catches tasks a small "
        "network from scratch learns but a linear model of the raw data does not."),
}

METRIC_HELP: dict[str, str] = {**SHIFT_HELP, **TRANSFER_HELP}

# The recommendation and the dashboard's own figures.
TERMS: dict[str, str] = {
    "strategy": (
        "What the service recommends: fine_tune (adapt the source model end to end), "
        "feature_extraction (freeze it and train a small head on its features) or "
        "train_from_scratch (the source is not expected to help)."),
    "fine_tune": "Adapt the whole source model to the target data.",
    "feature_extraction": "Keep the source model frozen; train only a small model on its features.",
    "train_from_scratch": "Ignore the source model; transfer is not expected to beat a fresh model.",
    "transfer_score": (
        "Estimated probability (0 to 1) that transferring from the source beats training from "
        "scratch on this target. Above 0.5 the service recommends a transfer strategy."),
    "negative_transfer_risk": (
        "How likely transfer makes things worse than training from scratch: low, medium "
        "(P ≥ 0.25) or high (P ≥ 0.5)."),
    "confidence": (
        "How sure the policy is of its decision (0 to 1): low near the decision boundary or "
        "when much of the evidence (labels, rows) was missing."),
    "expected_gain": (
        "Expected accuracy of transfer minus accuracy of training from scratch, in accuracy "
        "points (0.05 = five points), with an 80 % interval."),
    "policy_version": (
        "The version of the decision policy that turned the metrics into the recommendation; "
        "replaying a record under another version can change the decision."),
    "extractor": (
        "The registered model that turned raw inputs into embeddings (empty when the client "
        "sent embeddings or summaries itself)."),
    "baseline_ratio": (
        "A shift metric divided by the same metric between two random halves of the target: "
        "1 = no more shift than sampling noise; 10 = ten times the noise."),
    "assessments": "Stored assessments that match the filters.",
    "mean_transfer_score": "Average transfer score of the matching assessments.",
    "score_histogram": "How many assessments fall in each transfer-score band (0.0–0.1, …).",
    "per_day": "Assessments per day, coloured by the recommended strategy.",
}


def help_for(name: str) -> str:
    """The help text of a metric or term; a neutral line for a name this service never used."""
    return METRIC_HELP.get(name) or TERMS.get(name) or "No description for this name."
