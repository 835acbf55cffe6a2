//! Every request field's name, defined once: each operation's reader (`crate::ops`), the
//! request reader (`crate::input`) and the typed entry point's mapping (`src/wasm/to_request.rs`)
//! use these, so a name cannot be spelt two ways.

// An operation's fields (`input.*`).
pub(crate) const ACTION: &str = "action";
pub(crate) const ATTRIBUTE_ACTION: &str = "attributeAction";
pub(crate) const BILLING_MODE: &str = "billingMode";
pub(crate) const BILLING_MODE_STR: &str = "billingModeStr";
pub(crate) const CHECKPOINT: &str = "checkpoint";
pub(crate) const CLIENT_REQUEST_TOKEN: &str = "clientRequestToken";
pub(crate) const CONDITION_CHECK: &str = "conditionCheck";
pub(crate) const CONDITION_EXPRESSION: &str = "conditionExpression";
pub(crate) const CONSISTENT_READ: &str = "consistentRead";
pub(crate) const DELETE: &str = "delete";
pub(crate) const DELETION_PROTECTION: &str = "deletionProtection";
pub(crate) const EXCLUSIVE_START_KEY: &str = "exclusiveStartKey";
pub(crate) const EXCLUSIVE_START_TABLE_NAME: &str = "exclusiveStartTableName";
pub(crate) const EXPRESSION_ATTRIBUTE_NAMES: &str = "expressionAttributeNames";
pub(crate) const EXPRESSION_ATTRIBUTE_VALUES: &str = "expressionAttributeValues";
pub(crate) const FILTER_EXPRESSION: &str = "filterExpression";
pub(crate) const GET: &str = "get";
pub(crate) const INDEX_NAME: &str = "indexName";
pub(crate) const ITEM: &str = "item";
pub(crate) const KEY: &str = "key";
pub(crate) const KEY_ATTRIBUTES: &str = "keyAttributes";
pub(crate) const KEY_CONDITION_EXPRESSION: &str = "keyConditionExpression";
pub(crate) const KEYS: &str = "keys";
pub(crate) const LIMIT: &str = "limit";
pub(crate) const MAX_ITEMS: &str = "maxItems";
pub(crate) const MAX_PAGES: &str = "maxPages";
pub(crate) const MAX_RECORDS: &str = "maxRecords";
pub(crate) const MAX_RESULT_BYTES: &str = "maxResultBytes";
pub(crate) const NEXT_TOKEN: &str = "nextToken";
pub(crate) const PARAMETERS: &str = "parameters";
pub(crate) const PARTITION_KEY: &str = "partitionKey";
pub(crate) const PARTITION_KEY_ROLE: &str = "partitionKeyRole";
pub(crate) const PARTITION_KEY_TYPE: &str = "partitionKeyType";
pub(crate) const PRIMARY_KEY_COMPONENTS: &str = "primaryKeyComponents";
pub(crate) const PROJECTION_EXPRESSION: &str = "projectionExpression";
pub(crate) const PUT: &str = "put";
pub(crate) const READ_CAPACITY_UNITS: &str = "readCapacityUnits";
pub(crate) const REQUEST: &str = "request";
pub(crate) const REQUEST_ITEMS: &str = "requestItems";
pub(crate) const RETURN_CONSUMED_CAPACITY: &str = "returnConsumedCapacity";
pub(crate) const RETURN_VALUES: &str = "returnValues";
pub(crate) const RETURN_VALUES_ON_CONDITION_CHECK_FAILURE: &str =
    "returnValuesOnConditionCheckFailure";
pub(crate) const SCAN_INDEX_FORWARD: &str = "scanIndexForward";
pub(crate) const SEGMENT: &str = "segment";
pub(crate) const SELECT: &str = "select";
pub(crate) const SORT_KEY: &str = "sortKey";
pub(crate) const SORT_KEY_ROLE: &str = "sortKeyRole";
pub(crate) const SORT_KEY_TYPE: &str = "sortKeyType";
pub(crate) const STARTING_POSITION: &str = "startingPosition";
pub(crate) const STATEMENT: &str = "statement";
pub(crate) const STREAM_ARN: &str = "streamArn";
pub(crate) const TABLE_NAME: &str = "tableName";
pub(crate) const TIME_TO_LIVE_ATTRIBUTE: &str = "timeToLiveAttribute";
pub(crate) const TIME_TO_LIVE_ENABLED: &str = "timeToLiveEnabled";
pub(crate) const TOTAL_SEGMENTS: &str = "totalSegments";
pub(crate) const TRANSACT_ITEMS: &str = "transactItems";
pub(crate) const UPDATE: &str = "update";
pub(crate) const UPDATE_EXPRESSION: &str = "updateExpression";
pub(crate) const WRITE_CAPACITY_UNITS: &str = "writeCapacityUnits";

// What every `input` may carry: the operation and the options.
pub(crate) const OPERATION_GROUP: &str = "operationGroup";
pub(crate) const TABLE_OPERATION: &str = "tableOperation";
pub(crate) const ITEM_OPERATION: &str = "itemOperation";
pub(crate) const TYPE: &str = "type";
pub(crate) const VALUE_FORMAT: &str = "valueFormat";
pub(crate) const OUTPUT_FORMAT: &str = "outputFormat";
pub(crate) const WAIT_TIMEOUT_MS: &str = "waitTimeoutMs";

// The request's top level and its `configuration`.
pub(crate) const AUTHENTICATION: &str = "authentication";
pub(crate) const CONFIGURATION: &str = "configuration";
pub(crate) const INPUT: &str = "input";
pub(crate) const AWS_CREDENTIAL: &str = "awsCredential";
pub(crate) const REGION: &str = "region";
pub(crate) const ENDPOINT: &str = "endpoint";
pub(crate) const STREAMS_ENDPOINT: &str = "streamsEndpoint";
pub(crate) const STS_ENDPOINT: &str = "stsEndpoint";
pub(crate) const MAX_ATTEMPTS: &str = "maxAttempts";
pub(crate) const TIMEOUT_MS: &str = "timeoutMs";

// `authentication`'s fields.
pub(crate) const ACCESS_KEY: &str = "accessKey";
pub(crate) const SECRET_KEY: &str = "secretKey";
pub(crate) const SESSION_TOKEN: &str = "sessionToken";
pub(crate) const ROLE_ARN: &str = "roleArn";
pub(crate) const EXTERNAL_ID: &str = "externalId";
pub(crate) const ROLE_SESSION_NAME: &str = "roleSessionName";
pub(crate) const DURATION_SECONDS: &str = "durationSeconds";
pub(crate) const POLICY: &str = "policy";
pub(crate) const WEB_IDENTITY_TOKEN: &str = "webIdentityToken";

/// The values of `authentication.type`, which the reader and the typed mapping both write.
pub(crate) mod auth_type {
    pub(crate) const CREDENTIALS: &str = "credentials";
    pub(crate) const DEFAULT_CREDENTIALS_CHAIN: &str = "defaultCredentialsChain";
    pub(crate) const ASSUME_ROLE: &str = "assumeRole";
    pub(crate) const WEB_IDENTITY: &str = "webIdentity";
}
