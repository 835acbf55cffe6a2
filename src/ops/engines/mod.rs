//! What several operations share.

pub(crate) mod batch_rounds;
pub(crate) mod billing;
pub(crate) mod consumed_capacity;
pub(crate) mod item_answer;
pub(crate) mod item_bodies;
pub(crate) mod page_answer;
pub(crate) mod paging;
pub(crate) mod read_options;
pub(crate) mod table_wait;
pub(crate) mod transact_items;
pub(crate) mod write_options;
