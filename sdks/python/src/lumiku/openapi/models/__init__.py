"""Contains all the data models used in inputs/outputs"""

from .access import Access
from .add_member_request import AddMemberRequest
from .adjust_request import AdjustRequest
from .admin_invoice_request import AdminInvoiceRequest
from .analytics_dashboard_bucket import AnalyticsDashboardBucket
from .analytics_dashboard_charged_deleted import AnalyticsDashboardChargedDeleted
from .analytics_dashboard_charged_export_body import AnalyticsDashboardChargedExportBody
from .analytics_dashboard_charged_report_body import AnalyticsDashboardChargedReportBody
from .analytics_dashboard_chart import AnalyticsDashboardChart
from .analytics_dashboard_export import AnalyticsDashboardExport
from .analytics_dashboard_forecast import AnalyticsDashboardForecast
from .analytics_dashboard_list_report import AnalyticsDashboardListReport
from .analytics_dashboard_new_export import AnalyticsDashboardNewExport
from .analytics_dashboard_new_report import AnalyticsDashboardNewReport
from .analytics_dashboard_point import AnalyticsDashboardPoint
from .analytics_dashboard_report import AnalyticsDashboardReport
from .analytics_dashboard_report_with_summary import AnalyticsDashboardReportWithSummary
from .analytics_dashboard_slice import AnalyticsDashboardSlice
from .analytics_dashboard_stats import AnalyticsDashboardStats
from .analytics_dashboard_summary import AnalyticsDashboardSummary
from .analytics_dashboard_totals import AnalyticsDashboardTotals
from .api_key import ApiKey
from .app_card import AppCard
from .app_card_credits import AppCardCredits
from .app_patch import AppPatch
from .app_record import AppRecord
from .audit_event import AuditEvent
from .audit_event_details import AuditEventDetails
from .audit_page import AuditPage
from .auth_session import AuthSession
from .balance import Balance
from .beta_apps import BetaApps
from .billing_report import BillingReport
from .callback_outcome import CallbackOutcome
from .callback_response import CallbackResponse
from .catalogue_entry import CatalogueEntry
from .catalogue_entry_credits import CatalogueEntryCredits
from .change_password_request import ChangePasswordRequest
from .change_plan_request import ChangePlanRequest
from .change_plan_response import ChangePlanResponse
from .create_api_key_request import CreateApiKeyRequest
from .create_endpoint_request import CreateEndpointRequest
from .create_tenant_request import CreateTenantRequest
from .created_api_key import CreatedApiKey
from .credit_package import CreditPackage
from .delivery import Delivery
from .device import Device
from .duitku_callback_body import DuitkuCallbackBody
from .endpoint import Endpoint
from .endpoint_with_secret import EndpointWithSecret
from .entry_kind import EntryKind
from .error_body import ErrorBody
from .error_detail import ErrorDetail
from .event_type import EventType
from .exported_person import ExportedPerson
from .field_errors import FieldErrors
from .file_manager_charged_emptied import FileManagerChargedEmptied
from .file_manager_charged_file_body import FileManagerChargedFileBody
from .file_manager_charged_folder_body import FileManagerChargedFolderBody
from .file_manager_charged_share_body import FileManagerChargedShareBody
from .file_manager_file_body import FileManagerFileBody
from .file_manager_file_info import FileManagerFileInfo
from .file_manager_file_patch import FileManagerFilePatch
from .file_manager_folder import FileManagerFolder
from .file_manager_folder_patch import FileManagerFolderPatch
from .file_manager_list_file_info import FileManagerListFileInfo
from .file_manager_list_share_info import FileManagerListShareInfo
from .file_manager_listing import FileManagerListing
from .file_manager_new_folder import FileManagerNewFolder
from .file_manager_new_share import FileManagerNewShare
from .file_manager_share_info import FileManagerShareInfo
from .file_manager_share_password import FileManagerSharePassword
from .file_manager_stats import FileManagerStats
from .file_manager_storage_usage import FileManagerStorageUsage
from .file_manager_uploader import FileManagerUploader
from .file_manager_usage_body import FileManagerUsageBody
from .get_open_api_document_response_200 import GetOpenApiDocumentResponse200
from .health import Health
from .history import History
from .invoice import Invoice
from .invoice_generator_billed_to import InvoiceGeneratorBilledTo
from .invoice_generator_charged_client_body import InvoiceGeneratorChargedClientBody
from .invoice_generator_charged_deleted import InvoiceGeneratorChargedDeleted
from .invoice_generator_charged_delivery_body import InvoiceGeneratorChargedDeliveryBody
from .invoice_generator_charged_invoice_body import InvoiceGeneratorChargedInvoiceBody
from .invoice_generator_charged_link_body import InvoiceGeneratorChargedLinkBody
from .invoice_generator_charged_pdf_body import InvoiceGeneratorChargedPdfBody
from .invoice_generator_charged_profile_body import InvoiceGeneratorChargedProfileBody
from .invoice_generator_client import InvoiceGeneratorClient
from .invoice_generator_client_body import InvoiceGeneratorClientBody
from .invoice_generator_client_input import InvoiceGeneratorClientInput
from .invoice_generator_currency_code import InvoiceGeneratorCurrencyCode
from .invoice_generator_delivery import InvoiceGeneratorDelivery
from .invoice_generator_invoice import InvoiceGeneratorInvoice
from .invoice_generator_invoice_body import InvoiceGeneratorInvoiceBody
from .invoice_generator_invoice_input import InvoiceGeneratorInvoiceInput
from .invoice_generator_invoice_list import InvoiceGeneratorInvoiceList
from .invoice_generator_invoice_summary import InvoiceGeneratorInvoiceSummary
from .invoice_generator_line import InvoiceGeneratorLine
from .invoice_generator_line_figures import InvoiceGeneratorLineFigures
from .invoice_generator_line_input_body import InvoiceGeneratorLineInputBody
from .invoice_generator_list_client import InvoiceGeneratorListClient
from .invoice_generator_outstanding import InvoiceGeneratorOutstanding
from .invoice_generator_pdf_info import InvoiceGeneratorPdfInfo
from .invoice_generator_profile import InvoiceGeneratorProfile
from .invoice_generator_profile_body import InvoiceGeneratorProfileBody
from .invoice_generator_profile_input import InvoiceGeneratorProfileInput
from .invoice_generator_quote import InvoiceGeneratorQuote
from .invoice_generator_quote_text import InvoiceGeneratorQuoteText
from .invoice_generator_send_input import InvoiceGeneratorSendInput
from .invoice_generator_stats import InvoiceGeneratorStats
from .invoice_generator_status import InvoiceGeneratorStatus
from .invoice_generator_totals import InvoiceGeneratorTotals
from .invoice_item import InvoiceItem
from .invoice_kind import InvoiceKind
from .invoice_page import InvoicePage
from .invoice_status import InvoiceStatus
from .ledger_entry import LedgerEntry
from .list_api_key import ListApiKey
from .list_app_card import ListAppCard
from .list_app_record import ListAppRecord
from .list_catalogue_entry import ListCatalogueEntry
from .list_credit_package import ListCreditPackage
from .list_delivery import ListDelivery
from .list_device import ListDevice
from .list_endpoint import ListEndpoint
from .list_event_type import ListEventType
from .list_member import ListMember
from .list_plan import ListPlan
from .list_tenant import ListTenant
from .login_request import LoginRequest
from .member import Member
from .missing_object import MissingObject
from .new_invoice_item import NewInvoiceItem
from .package_patch import PackagePatch
from .payment import Payment
from .payment_request import PaymentRequest
from .payment_status import PaymentStatus
from .plan import Plan
from .plan_patch import PlanPatch
from .platform_audit_page import PlatformAuditPage
from .project_manager_charged_deleted import ProjectManagerChargedDeleted
from .project_manager_charged_project_body import ProjectManagerChargedProjectBody
from .project_manager_charged_task_body import ProjectManagerChargedTaskBody
from .project_manager_list_project import ProjectManagerListProject
from .project_manager_new_project import ProjectManagerNewProject
from .project_manager_new_task import ProjectManagerNewTask
from .project_manager_priority import ProjectManagerPriority
from .project_manager_project import ProjectManagerProject
from .project_manager_project_body import ProjectManagerProjectBody
from .project_manager_project_patch import ProjectManagerProjectPatch
from .project_manager_project_status import ProjectManagerProjectStatus
from .project_manager_stats import ProjectManagerStats
from .project_manager_stats_body import ProjectManagerStatsBody
from .project_manager_task import ProjectManagerTask
from .project_manager_task_patch import ProjectManagerTaskPatch
from .publication import Publication
from .publish_request import PublishRequest
from .ready import Ready
from .refresh_request import RefreshRequest
from .register_request import RegisterRequest
from .rename_device_request import RenameDeviceRequest
from .role import Role
from .scope import Scope
from .subscription import Subscription
from .subscription_status import SubscriptionStatus
from .sweep_report import SweepReport
from .task_scheduler_charged_deleted import TaskSchedulerChargedDeleted
from .task_scheduler_charged_marked_read import TaskSchedulerChargedMarkedRead
from .task_scheduler_charged_run_queued import TaskSchedulerChargedRunQueued
from .task_scheduler_charged_task_body import TaskSchedulerChargedTaskBody
from .task_scheduler_http_method import TaskSchedulerHttpMethod
from .task_scheduler_new_task import TaskSchedulerNewTask
from .task_scheduler_notification import TaskSchedulerNotification
from .task_scheduler_notification_list import TaskSchedulerNotificationList
from .task_scheduler_preview import TaskSchedulerPreview
from .task_scheduler_run import TaskSchedulerRun
from .task_scheduler_run_list import TaskSchedulerRunList
from .task_scheduler_stats import TaskSchedulerStats
from .task_scheduler_task import TaskSchedulerTask
from .task_scheduler_task_action_http import TaskSchedulerTaskActionHttp
from .task_scheduler_task_action_http_headers import TaskSchedulerTaskActionHttpHeaders
from .task_scheduler_task_action_http_type import TaskSchedulerTaskActionHttpType
from .task_scheduler_task_action_reminder import TaskSchedulerTaskActionReminder
from .task_scheduler_task_action_reminder_type import TaskSchedulerTaskActionReminderType
from .task_scheduler_task_body import TaskSchedulerTaskBody
from .task_scheduler_task_list import TaskSchedulerTaskList
from .task_scheduler_task_patch import TaskSchedulerTaskPatch
from .task_scheduler_task_schedule_cron import TaskSchedulerTaskScheduleCron
from .task_scheduler_task_schedule_cron_type import TaskSchedulerTaskScheduleCronType
from .task_scheduler_task_schedule_once import TaskSchedulerTaskScheduleOnce
from .task_scheduler_task_schedule_once_type import TaskSchedulerTaskScheduleOnceType
from .team_chat_channel import TeamChatChannel
from .team_chat_channel_body import TeamChatChannelBody
from .team_chat_channel_change import TeamChatChannelChange
from .team_chat_channel_summary import TeamChatChannelSummary
from .team_chat_charged_channel_body import TeamChatChargedChannelBody
from .team_chat_charged_deleted_body import TeamChatChargedDeletedBody
from .team_chat_charged_message_body import TeamChatChargedMessageBody
from .team_chat_charged_read_body import TeamChatChargedReadBody
from .team_chat_hit import TeamChatHit
from .team_chat_list_channel_summary import TeamChatListChannelSummary
from .team_chat_list_hit import TeamChatListHit
from .team_chat_list_mention import TeamChatListMention
from .team_chat_mention import TeamChatMention
from .team_chat_message import TeamChatMessage
from .team_chat_message_edit import TeamChatMessageEdit
from .team_chat_message_list import TeamChatMessageList
from .team_chat_new_channel import TeamChatNewChannel
from .team_chat_new_direct import TeamChatNewDirect
from .team_chat_new_member import TeamChatNewMember
from .team_chat_new_message import TeamChatNewMessage
from .team_chat_new_reaction import TeamChatNewReaction
from .team_chat_reaction import TeamChatReaction
from .team_chat_read_mark import TeamChatReadMark
from .team_chat_stats import TeamChatStats
from .tenant import Tenant
from .tenant_app import TenantApp
from .tenant_export import TenantExport
from .tenant_export_apps import TenantExportApps
from .tenant_export_core import TenantExportCore
from .tenant_export_tenant import TenantExportTenant
from .tenant_usage import TenantUsage
from .ticket import Ticket
from .tier import Tier
from .token_info import TokenInfo
from .token_pair import TokenPair
from .update_endpoint_request import UpdateEndpointRequest
from .update_member_request import UpdateMemberRequest
from .update_profile_request import UpdateProfileRequest
from .usage_report import UsageReport
from .usage_total import UsageTotal
from .user import User
from .user_page import UserPage
from .user_summary import UserSummary
from .verify_email_request import VerifyEmailRequest
from .visibility import Visibility
from .webhook_settings import WebhookSettings

__all__ = (
    "Access",
    "AddMemberRequest",
    "AdjustRequest",
    "AdminInvoiceRequest",
    "AnalyticsDashboardBucket",
    "AnalyticsDashboardChargedDeleted",
    "AnalyticsDashboardChargedExportBody",
    "AnalyticsDashboardChargedReportBody",
    "AnalyticsDashboardChart",
    "AnalyticsDashboardExport",
    "AnalyticsDashboardForecast",
    "AnalyticsDashboardListReport",
    "AnalyticsDashboardNewExport",
    "AnalyticsDashboardNewReport",
    "AnalyticsDashboardPoint",
    "AnalyticsDashboardReport",
    "AnalyticsDashboardReportWithSummary",
    "AnalyticsDashboardSlice",
    "AnalyticsDashboardStats",
    "AnalyticsDashboardSummary",
    "AnalyticsDashboardTotals",
    "ApiKey",
    "AppCard",
    "AppCardCredits",
    "AppPatch",
    "AppRecord",
    "AuditEvent",
    "AuditEventDetails",
    "AuditPage",
    "AuthSession",
    "Balance",
    "BetaApps",
    "BillingReport",
    "CallbackOutcome",
    "CallbackResponse",
    "CatalogueEntry",
    "CatalogueEntryCredits",
    "ChangePasswordRequest",
    "ChangePlanRequest",
    "ChangePlanResponse",
    "CreateApiKeyRequest",
    "CreateEndpointRequest",
    "CreateTenantRequest",
    "CreatedApiKey",
    "CreditPackage",
    "Delivery",
    "Device",
    "DuitkuCallbackBody",
    "Endpoint",
    "EndpointWithSecret",
    "EntryKind",
    "ErrorBody",
    "ErrorDetail",
    "EventType",
    "ExportedPerson",
    "FieldErrors",
    "FileManagerChargedEmptied",
    "FileManagerChargedFileBody",
    "FileManagerChargedFolderBody",
    "FileManagerChargedShareBody",
    "FileManagerFileBody",
    "FileManagerFileInfo",
    "FileManagerFilePatch",
    "FileManagerFolder",
    "FileManagerFolderPatch",
    "FileManagerListFileInfo",
    "FileManagerListShareInfo",
    "FileManagerListing",
    "FileManagerNewFolder",
    "FileManagerNewShare",
    "FileManagerShareInfo",
    "FileManagerSharePassword",
    "FileManagerStats",
    "FileManagerStorageUsage",
    "FileManagerUploader",
    "FileManagerUsageBody",
    "GetOpenApiDocumentResponse200",
    "Health",
    "History",
    "Invoice",
    "InvoiceGeneratorBilledTo",
    "InvoiceGeneratorChargedClientBody",
    "InvoiceGeneratorChargedDeleted",
    "InvoiceGeneratorChargedDeliveryBody",
    "InvoiceGeneratorChargedInvoiceBody",
    "InvoiceGeneratorChargedLinkBody",
    "InvoiceGeneratorChargedPdfBody",
    "InvoiceGeneratorChargedProfileBody",
    "InvoiceGeneratorClient",
    "InvoiceGeneratorClientBody",
    "InvoiceGeneratorClientInput",
    "InvoiceGeneratorCurrencyCode",
    "InvoiceGeneratorDelivery",
    "InvoiceGeneratorInvoice",
    "InvoiceGeneratorInvoiceBody",
    "InvoiceGeneratorInvoiceInput",
    "InvoiceGeneratorInvoiceList",
    "InvoiceGeneratorInvoiceSummary",
    "InvoiceGeneratorLine",
    "InvoiceGeneratorLineFigures",
    "InvoiceGeneratorLineInputBody",
    "InvoiceGeneratorListClient",
    "InvoiceGeneratorOutstanding",
    "InvoiceGeneratorPdfInfo",
    "InvoiceGeneratorProfile",
    "InvoiceGeneratorProfileBody",
    "InvoiceGeneratorProfileInput",
    "InvoiceGeneratorQuote",
    "InvoiceGeneratorQuoteText",
    "InvoiceGeneratorSendInput",
    "InvoiceGeneratorStats",
    "InvoiceGeneratorStatus",
    "InvoiceGeneratorTotals",
    "InvoiceItem",
    "InvoiceKind",
    "InvoicePage",
    "InvoiceStatus",
    "LedgerEntry",
    "ListApiKey",
    "ListAppCard",
    "ListAppRecord",
    "ListCatalogueEntry",
    "ListCreditPackage",
    "ListDelivery",
    "ListDevice",
    "ListEndpoint",
    "ListEventType",
    "ListMember",
    "ListPlan",
    "ListTenant",
    "LoginRequest",
    "Member",
    "MissingObject",
    "NewInvoiceItem",
    "PackagePatch",
    "Payment",
    "PaymentRequest",
    "PaymentStatus",
    "Plan",
    "PlanPatch",
    "PlatformAuditPage",
    "ProjectManagerChargedDeleted",
    "ProjectManagerChargedProjectBody",
    "ProjectManagerChargedTaskBody",
    "ProjectManagerListProject",
    "ProjectManagerNewProject",
    "ProjectManagerNewTask",
    "ProjectManagerPriority",
    "ProjectManagerProject",
    "ProjectManagerProjectBody",
    "ProjectManagerProjectPatch",
    "ProjectManagerProjectStatus",
    "ProjectManagerStats",
    "ProjectManagerStatsBody",
    "ProjectManagerTask",
    "ProjectManagerTaskPatch",
    "Publication",
    "PublishRequest",
    "Ready",
    "RefreshRequest",
    "RegisterRequest",
    "RenameDeviceRequest",
    "Role",
    "Scope",
    "Subscription",
    "SubscriptionStatus",
    "SweepReport",
    "TaskSchedulerChargedDeleted",
    "TaskSchedulerChargedMarkedRead",
    "TaskSchedulerChargedRunQueued",
    "TaskSchedulerChargedTaskBody",
    "TaskSchedulerHttpMethod",
    "TaskSchedulerNewTask",
    "TaskSchedulerNotification",
    "TaskSchedulerNotificationList",
    "TaskSchedulerPreview",
    "TaskSchedulerRun",
    "TaskSchedulerRunList",
    "TaskSchedulerStats",
    "TaskSchedulerTask",
    "TaskSchedulerTaskActionHttp",
    "TaskSchedulerTaskActionHttpHeaders",
    "TaskSchedulerTaskActionHttpType",
    "TaskSchedulerTaskActionReminder",
    "TaskSchedulerTaskActionReminderType",
    "TaskSchedulerTaskBody",
    "TaskSchedulerTaskList",
    "TaskSchedulerTaskPatch",
    "TaskSchedulerTaskScheduleCron",
    "TaskSchedulerTaskScheduleCronType",
    "TaskSchedulerTaskScheduleOnce",
    "TaskSchedulerTaskScheduleOnceType",
    "TeamChatChannel",
    "TeamChatChannelBody",
    "TeamChatChannelChange",
    "TeamChatChannelSummary",
    "TeamChatChargedChannelBody",
    "TeamChatChargedDeletedBody",
    "TeamChatChargedMessageBody",
    "TeamChatChargedReadBody",
    "TeamChatHit",
    "TeamChatListChannelSummary",
    "TeamChatListHit",
    "TeamChatListMention",
    "TeamChatMention",
    "TeamChatMessage",
    "TeamChatMessageEdit",
    "TeamChatMessageList",
    "TeamChatNewChannel",
    "TeamChatNewDirect",
    "TeamChatNewMember",
    "TeamChatNewMessage",
    "TeamChatNewReaction",
    "TeamChatReaction",
    "TeamChatReadMark",
    "TeamChatStats",
    "Tenant",
    "TenantApp",
    "TenantExport",
    "TenantExportApps",
    "TenantExportCore",
    "TenantExportTenant",
    "TenantUsage",
    "Ticket",
    "Tier",
    "TokenInfo",
    "TokenPair",
    "UpdateEndpointRequest",
    "UpdateMemberRequest",
    "UpdateProfileRequest",
    "UsageReport",
    "UsageTotal",
    "User",
    "UserPage",
    "UserSummary",
    "VerifyEmailRequest",
    "Visibility",
    "WebhookSettings",
)
