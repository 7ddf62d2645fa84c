from typing import Literal

AssessOptionsMetricsType0Item = Literal['bhattacharyya_distance', 'coral_distance', 'energy_distance', 'frechet_distance', 'gaussian_kl', 'gbc', 'hscore', 'hscore_shrinkage', 'knn_accuracy', 'ks_fdr_share', 'leep', 'linear_probe_accuracy', 'logme', 'mean_cosine_distance', 'mmd', 'nce', 'proxy_a_distance', 'scratch_knn_accuracy', 'scratch_probe_accuracy', 'sliced_wasserstein', 'transrate']

ASSESS_OPTIONS_METRICS_TYPE_0_ITEM_VALUES: set[AssessOptionsMetricsType0Item] = { 'bhattacharyya_distance', 'coral_distance', 'energy_distance', 'frechet_distance', 'gaussian_kl', 'gbc', 'hscore', 'hscore_shrinkage', 'knn_accuracy', 'ks_fdr_share', 'leep', 'linear_probe_accuracy', 'logme', 'mean_cosine_distance', 'mmd', 'nce', 'proxy_a_distance', 'scratch_knn_accuracy', 'scratch_probe_accuracy', 'sliced_wasserstein', 'transrate',  }

def check_assess_options_metrics_type_0_item(value: str) -> AssessOptionsMetricsType0Item:
    if value in ASSESS_OPTIONS_METRICS_TYPE_0_ITEM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ASSESS_OPTIONS_METRICS_TYPE_0_ITEM_VALUES!r}")
