""" Contains all the data models used in inputs/outputs """

from .assess_options import AssessOptions
from .assess_options_metrics_type_0_item import AssessOptionsMetricsType0Item
from .assess_request import AssessRequest
from .assessment import Assessment
from .assessment_evidence import AssessmentEvidence
from .assessment_metrics import AssessmentMetrics
from .assessment_omitted import AssessmentOmitted
from .assessment_page import AssessmentPage
from .assessment_stats import AssessmentStats
from .assessment_stats_bucket import AssessmentStatsBucket
from .assessment_summary import AssessmentSummary
from .audit_verification import AuditVerification
from .body_register_extractor import BodyRegisterExtractor
from .dataset_spec import DatasetSpec
from .encoded_images import EncodedImages
from .encoded_images_dtype import EncodedImagesDtype
from .encoded_matrix import EncodedMatrix
from .encoded_matrix_dtype import EncodedMatrixDtype
from .encoded_vector import EncodedVector
from .encoded_vector_dtype import EncodedVectorDtype
from .expected_gain_out import ExpectedGainOut
from .extractor_list import ExtractorList
from .extractor_out import ExtractorOut
from .extractor_out_preprocessing import ExtractorOutPreprocessing
from .extractor_ref import ExtractorRef
from .field_change import FieldChange
from .get_assessment_stats_bucket import GetAssessmentStatsBucket
from .input_spec import InputSpec
from .liveness import Liveness
from .metric_out import MetricOut
from .metric_out_details import MetricOutDetails
from .modality import Modality
from .output_spec import OutputSpec
from .problem import Problem
from .problem_errors_item import ProblemErrorsItem
from .raw_inputs import RawInputs
from .readiness import Readiness
from .readiness_checks import ReadinessChecks
from .readiness_status import ReadinessStatus
from .recommendation_out import RecommendationOut
from .replay import Replay
from .replay_changes import ReplayChanges
from .risk import Risk
from .stats_bucket import StatsBucket
from .strategy import Strategy
from .strategy_counts import StrategyCounts
from .summary_spec import SummarySpec
from .task_spec import TaskSpec
from .task_spec_type import TaskSpecType

__all__ = (
    "Assessment",
    "AssessmentEvidence",
    "AssessmentMetrics",
    "AssessmentOmitted",
    "AssessmentPage",
    "AssessmentStats",
    "AssessmentStatsBucket",
    "AssessmentSummary",
    "AssessOptions",
    "AssessOptionsMetricsType0Item",
    "AssessRequest",
    "AuditVerification",
    "BodyRegisterExtractor",
    "DatasetSpec",
    "EncodedImages",
    "EncodedImagesDtype",
    "EncodedMatrix",
    "EncodedMatrixDtype",
    "EncodedVector",
    "EncodedVectorDtype",
    "ExpectedGainOut",
    "ExtractorList",
    "ExtractorOut",
    "ExtractorOutPreprocessing",
    "ExtractorRef",
    "FieldChange",
    "GetAssessmentStatsBucket",
    "InputSpec",
    "Liveness",
    "MetricOut",
    "MetricOutDetails",
    "Modality",
    "OutputSpec",
    "Problem",
    "ProblemErrorsItem",
    "RawInputs",
    "Readiness",
    "ReadinessChecks",
    "ReadinessStatus",
    "RecommendationOut",
    "Replay",
    "ReplayChanges",
    "Risk",
    "StatsBucket",
    "Strategy",
    "StrategyCounts",
    "SummarySpec",
    "TaskSpec",
    "TaskSpecType",
)
