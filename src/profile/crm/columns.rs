//! The column names each role is found by when `[profile]` does not map
//! it, the status values that mean churned, and the columns that are never
//! firmographics.

/// Column names read as "has this account churned" (yes/no).
pub(super) const CHURN_COLUMNS: &[&str] =
    &["churned", "is_churned", "churn", "has_churned", "lost"];
/// Column names holding a lifecycle status, churned when it says so.
pub(super) const STATUS_COLUMNS: &[&str] = &[
    "status",
    "account_status",
    "stage",
    "lifecycle_stage",
    "lifecycle",
];
/// Status values that mean the account left.
pub(super) const CHURNED_STATUSES: &[&str] = &[
    "churned",
    "lost",
    "cancelled",
    "canceled",
    "closed lost",
    "closed-lost",
    "former customer",
    "inactive",
];
pub(super) const NPS_COLUMNS: &[&str] = &["nps", "nps_score", "last_nps", "net_promoter_score"];
pub(super) const ARR_COLUMNS: &[&str] = &[
    "arr",
    "arr_usd",
    "annual_recurring_revenue",
    "annual_contract_value",
];
pub(super) const MRR_COLUMNS: &[&str] = &["mrr", "mrr_usd", "monthly_recurring_revenue"];
pub(super) const DEAL_COLUMNS: &[&str] = &[
    "deal_size",
    "deal_value",
    "deal_amount",
    "amount",
    "acv",
    "contract_value",
    "first_year_value",
];
pub(super) const CREATED_COLUMNS: &[&str] = &[
    "created",
    "created_at",
    "created_date",
    "create_date",
    "opened",
    "opened_at",
    "opportunity_created",
    "first_contact",
];
pub(super) const CLOSED_COLUMNS: &[&str] = &[
    "closed",
    "closed_at",
    "close_date",
    "closed_date",
    "won_at",
    "won_date",
    "signed",
    "signed_at",
    "signed_date",
    "customer_since",
];
/// Columns that describe us or a person, not the company: never firmographics.
pub(super) const NOT_FIRMOGRAPHIC: &[&str] = &[
    "account_name",
    "contact",
    "contact_name",
    "main_contact",
    "email",
    "contact_email",
    "phone",
    "owner",
    "account_owner",
    "account_manager",
    "sales_rep",
    "rep",
    "csm",
    "notes",
    "description",
    "website",
    "domain",
    "url",
];
