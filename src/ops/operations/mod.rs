//! One file per operation; `super::registry` lists them.

// Table operations.
pub(crate) mod create_table;
pub(crate) mod delete_table;
pub(crate) mod describe_table;
pub(crate) mod describe_time_to_live;
pub(crate) mod list_tables;
pub(crate) mod read_stream;
pub(crate) mod scan_table;
pub(crate) mod update_table;

// Both groups.
pub(crate) mod execute_action;

// Item operations.
pub(crate) mod add_item;
pub(crate) mod batch_get_items;
pub(crate) mod batch_write_items;
pub(crate) mod delete_item;
pub(crate) mod execute_statement;
pub(crate) mod get_item;
pub(crate) mod query;
pub(crate) mod transact_get_items;
pub(crate) mod transact_write_items;
pub(crate) mod update_item;
