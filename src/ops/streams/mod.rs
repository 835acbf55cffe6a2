//! readStream's parts: the checkpoint, shard lineage and record rendering (pure), and the
//! calls that find a stream, its shards and their iterators.

pub(crate) mod stream_calls;
pub mod stream_checkpoint;
