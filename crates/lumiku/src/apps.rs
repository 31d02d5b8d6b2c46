//! The compiled-in apps: the one list a reader checks to know what this binary mounts.

use std::sync::Arc;

use lumiku_plugin::Plugin;

/// Every app this binary serves, in no particular order (the dashboard orders them).
pub fn apps() -> Vec<Arc<dyn Plugin>> {
    vec![
        project_manager::app(),
        task_scheduler::app(),
        team_chat::app(),
        file_manager::app(),
        invoice_generator::app(),
        analytics_dashboard::app(),
    ]
}
