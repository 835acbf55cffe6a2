//! The request reader: any text gives a checked request or a configuration error, never a
//! panic; a request it accepts builds its DynamoDB bodies without panicking either.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match ddb_connector::parse_request_json(text) {
        Ok(request) => {
            // Plain rendering of any value the reader accepted must not panic.
            let operation: &dyn std::any::Any = request.operation.as_ref();
            if let Some(add) = operation.downcast_ref::<ddb_connector::ops::add_item::AddItem>() {
                let _ = ddb_connector::value::plain_map(&add.item);
            }
        }
        Err(ddb_connector::ConnectorError::Configuration { .. }) => {}
        Err(other) => panic!("the reader gave a non-configuration error: {other:?}"),
    }
});
