""" Contains all the data models used in inputs/outputs """

from .assess_options import AssessOptions
from .assess_request import AssessRequest
from .assessment import Assessment
from .assessment_evidence import AssessmentEvidence
from .assessment_metrics import AssessmentMetrics
from .assessment_page import AssessmentPage
from .assessment_stats import AssessmentStats
from .assessment_stats_assessments_stats_get_bucket import AssessmentStatsAssessmentsStatsGetBucket
from .assessment_stats_assessments_stats_get_strategy_type_0 import AssessmentStatsAssessmentsStatsGetStrategyType0
from .assessment_stats_bucket import AssessmentStatsBucket
from .assessment_summary import AssessmentSummary
from .assessment_summary_negative_transfer_risk import AssessmentSummaryNegativeTransferRisk
from .assessment_summary_strategy import AssessmentSummaryStrategy
from .audit_verification import AuditVerification
from .body_register_extractor_extractors_post import BodyRegisterExtractorExtractorsPost
from .dataset_spec import DatasetSpec
from .encoded_images import EncodedImages
from .encoded_images_dtype import EncodedImagesDtype
from .encoded_matrix import EncodedMatrix
from .encoded_matrix_dtype import EncodedMatrixDtype
from .extractor_list import ExtractorList
from .extractor_out import ExtractorOut
from .extractor_out_preprocessing import ExtractorOutPreprocessing
from .extractor_ref import ExtractorRef
from .field_change import FieldChange
from .healthz_healthz_get_response_healthz_healthz_get import HealthzHealthzGetResponseHealthzHealthzGet
from .input_spec import InputSpec
from .list_assessments_assessments_get_strategy_type_0 import ListAssessmentsAssessmentsGetStrategyType0
from .metric_out import MetricOut
from .metric_out_details import MetricOutDetails
from .output_spec import OutputSpec
from .problem import Problem
from .problem_errors_item import ProblemErrorsItem
from .raw_inputs import RawInputs
from .recommendation_out import RecommendationOut
from .recommendation_out_negative_transfer_risk import RecommendationOutNegativeTransferRisk
from .recommendation_out_strategy import RecommendationOutStrategy
from .replay import Replay
from .replay_changes import ReplayChanges
from .stats_bucket import StatsBucket
from .strategy_counts import StrategyCounts
from .summary_spec import SummarySpec
from .task_spec import TaskSpec
from .task_spec_source_modality import TaskSpecSourceModality
from .task_spec_target_modality import TaskSpecTargetModality
from .task_spec_type import TaskSpecType

__all__ = (
    "Assessment",
    "AssessmentEvidence",
    "AssessmentMetrics",
    "AssessmentPage",
    "AssessmentStats",
    "AssessmentStatsAssessmentsStatsGetBucket",
    "AssessmentStatsAssessmentsStatsGetStrategyType0",
    "AssessmentStatsBucket",
    "AssessmentSummary",
    "AssessmentSummaryNegativeTransferRisk",
    "AssessmentSummaryStrategy",
    "AssessOptions",
    "AssessRequest",
    "AuditVerification",
    "BodyRegisterExtractorExtractorsPost",
    "DatasetSpec",
    "EncodedImages",
    "EncodedImagesDtype",
    "EncodedMatrix",
    "EncodedMatrixDtype",
    "ExtractorList",
    "ExtractorOut",
    "ExtractorOutPreprocessing",
    "ExtractorRef",
    "FieldChange",
    "HealthzHealthzGetResponseHealthzHealthzGet",
    "InputSpec",
    "ListAssessmentsAssessmentsGetStrategyType0",
    "MetricOut",
    "MetricOutDetails",
    "OutputSpec",
    "Problem",
    "ProblemErrorsItem",
    "RawInputs",
    "RecommendationOut",
    "RecommendationOutNegativeTransferRisk",
    "RecommendationOutStrategy",
    "Replay",
    "ReplayChanges",
    "StatsBucket",
    "StrategyCounts",
    "SummarySpec",
    "TaskSpec",
    "TaskSpecSourceModality",
    "TaskSpecTargetModality",
    "TaskSpecType",
)
