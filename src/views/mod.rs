//! Leptos components, one per file, named for what they show.

pub mod breakdown;
pub mod compare_page;
pub mod connect;
pub mod context_chart;
pub mod copy;
pub mod cost;
pub mod costs_page;
pub mod detail;
pub mod embed_header;
pub mod export;
pub mod flame;
pub mod graph;
pub mod header;
pub mod json_view;
pub mod link_files;
pub mod loops;
pub mod markdown;
pub mod measured_list;
pub mod nav;
pub mod notice_banner;
pub mod payload;
pub mod prices_panel;
pub mod progress;
pub mod scores_page;
pub mod sessions_page;
pub mod share_panel;
pub mod shell;
pub mod show;
pub mod spans_page;
pub mod stats;
pub mod theme_picker;
pub mod timeline;
pub mod trace_list;
pub mod traces_page;
pub mod transcript;
pub mod tree;
pub mod virtual_list;
pub mod welcome;

/// CSS class for a kind, shared by the tree badge and the detail header.
pub fn kind_class(kind: crate::model::Kind) -> String {
    format!("kind kind-{}", kind.label())
}
