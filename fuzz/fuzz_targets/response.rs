//! The response reader: any status, checksum header and body give a value or an execution
//! error, never a panic; items, stream shards and change records in a 200 body are read and
//! rendered without panicking.
#![no_main]

use ddb_connector::input::OutputFormat;
use ddb_connector::ops::streams::stream_checkpoint;
use ddb_connector::wire::{HttpResponse, read_response};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let status = 100 + u16::from_le_bytes([data[0], data[1]]) % 500;
    let mut headers = vec![("x-amzn-requestid".to_string(), "fuzz".to_string())];
    if data[2] & 1 == 1 {
        headers.push(("x-amz-crc32".to_string(), crc32(&data[3..]).to_string()));
    }
    let response = HttpResponse { status, headers, body: data[3..].to_vec() };
    match read_response(&response) {
        Ok(value) => {
            if let Some(item) = value.get("Item").and_then(|i| i.as_object()) {
                let _ = ddb_connector::value::plain_map(item);
            }
            let _ = stream_checkpoint::shards_of(&value["StreamDescription"]);
            if let Some(records) = value.get("Records").and_then(|r| r.as_array()) {
                for record in records {
                    let _ = stream_checkpoint::render_record(record.clone(), OutputFormat::Plain);
                }
            }
        }
        Err(ddb_connector::ConnectorError::Execution { .. }) => {}
        Err(other) => panic!("the response reader gave a non-execution error: {other:?}"),
    }
});

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}
