"""A thin, hand-written layer over the generated `transfer_advisor_client`.

    from transfer_advisor_sdk import AdvisorClient, InvalidInput

    with AdvisorClient("http://127.0.0.1:8000", api_key=None) as client:
        record = client.assess(x_source, x_target, target_labels=y, modality="image")
        for item in client.iter_assessments(target_name="xray-feats"):
            ...
"""

from .client import AdvisorClient
from .encode import dataset_spec, encode_images, encode_matrix, encode_summary, encode_vector
from .errors import (
    BadRequest,
    Conflict,
    FieldProblem,
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    ProblemError,
    RateLimited,
    ServerError,
    ServiceUnavailable,
    Unauthorized,
)

__all__ = ["AdvisorClient", "BadRequest", "Conflict", "FieldProblem", "Forbidden",
           "InvalidInput", "NotFound", "PayloadTooLarge", "ProblemError", "RateLimited",
           "ServerError", "ServiceUnavailable", "Unauthorized", "dataset_spec", "encode_images",
           "encode_matrix", "encode_summary", "encode_vector"]
