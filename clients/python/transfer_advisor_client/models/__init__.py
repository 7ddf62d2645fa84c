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
from .calibration import Calibration
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
from .fitted_on import FittedOn
from .get_assessment_stats_bucket import GetAssessmentStatsBucket
from .input_spec import InputSpec
from .liveness import Liveness
from .metric_out import MetricOut
from .metric_out_details import MetricOutDetails
from .modality import Modality
from .outcome import Outcome
from .outcome_in import OutcomeIn
from .output_spec import OutputSpec
from .policy import Policy
from .policy_event import PolicyEvent
from .policy_event_event import PolicyEventEvent
from .policy_fit_request import PolicyFitRequest
from .policy_list import PolicyList
from .policy_report import PolicyReport
from .problem import Problem
from .problem_errors_item import ProblemErrorsItem
from .rank_candidate import RankCandidate
from .rank_request import RankRequest
from .rank_target import RankTarget
from .ranked_item import RankedItem
from .ranked_item_evidence import RankedItemEvidence
from .ranked_item_metrics import RankedItemMetrics
from .ranked_item_omitted import RankedItemOmitted
from .ranking import Ranking
from .ranking_evidence import RankingEvidence
from .raw_inputs import RawInputs
from .readiness import Readiness
from .readiness_checks import ReadinessChecks
from .readiness_status import ReadinessStatus
from .recommendation_out import RecommendationOut
from .reliability_bin import ReliabilityBin
from .replay import Replay
from .replay_changes import ReplayChanges
from .replay_request import ReplayRequest
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
    "Calibration",
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
    "FittedOn",
    "GetAssessmentStatsBucket",
    "InputSpec",
    "Liveness",
    "MetricOut",
    "MetricOutDetails",
    "Modality",
    "Outcome",
    "OutcomeIn",
    "OutputSpec",
    "Policy",
    "PolicyEvent",
    "PolicyEventEvent",
    "PolicyFitRequest",
    "PolicyList",
    "PolicyReport",
    "Problem",
    "ProblemErrorsItem",
    "RankCandidate",
    "RankedItem",
    "RankedItemEvidence",
    "RankedItemMetrics",
    "RankedItemOmitted",
    "Ranking",
    "RankingEvidence",
    "RankRequest",
    "RankTarget",
    "RawInputs",
    "Readiness",
    "ReadinessChecks",
    "ReadinessStatus",
    "RecommendationOut",
    "ReliabilityBin",
    "Replay",
    "ReplayChanges",
    "ReplayRequest",
    "Risk",
    "StatsBucket",
    "Strategy",
    "StrategyCounts",
    "SummarySpec",
    "TaskSpec",
    "TaskSpecType",
)
