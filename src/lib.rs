//! faqsite: a static site generator for FAQ and help-center sites.
//!
//! The build pipeline is [`site::build`]: config → content → markdown → images → search →
//! templates → output, one module per stage. See ARCHITECTURE.md.

pub mod builtin;
pub mod check;
pub mod config;
pub mod content;
pub mod error;
pub mod feed;
pub mod fresh;
pub mod hash;
pub mod history;
pub mod html;
pub mod http;
pub mod images;
pub mod import;
pub mod lint;
pub mod markdown;
pub mod output;
pub mod paths;
pub mod phone;
pub mod print;
pub mod report;
pub mod safe_url;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod sitemap;
pub mod slug;
pub mod templates;
pub mod urls;
