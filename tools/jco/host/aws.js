// The default egress: the official AWS endpoints of DynamoDB, DynamoDB Streams and STS in the
// partitions aws, aws-cn and aws-us-gov (host-test/src/egress/aws.rs).
const TEMPLATES = [
  'dynamodb.{region}', 'dynamodb-fips.{region}', '{account}.ddb.{region}',
  'streams.dynamodb.{region}', 'streams.dynamodb-fips.{region}',
  'streams-dynamodb.{region}', 'streams-dynamodb-fips.{region}',
  '{account}.streams-ddb.{region}', '{account}.streams-ddb-fips.{region}',
  'sts.{region}', 'sts-fips.{region}',
].map((t) => t.split('.'));
/// Each partition's DNS suffixes, and whether its region names start with `cn-`.
const PARTITIONS = [
  ['amazonaws.com', false], ['api.aws', false],
  ['amazonaws.com.cn', true], ['api.amazonwebservices.com.cn', true],
];
const REGION = /^[a-z]+(-[a-z]+)+-\d{1,2}$/;

/// Whether `host` (lowercase, no trailing dot) is an AWS endpoint of the default egress.
export function isDefaultEndpoint(host) {
  return PARTITIONS.some(([suffix, china]) => {
    if (!host.endsWith(`.${suffix}`)) return false;
    const rest = host.slice(0, -suffix.length - 1);
    if (rest === 'sts') return suffix === 'amazonaws.com';
    const labels = rest.split('.');
    return TEMPLATES.some((parts) => parts.length === labels.length && parts.every((part, i) => {
      const label = labels[i];
      if (part === '{region}') return REGION.test(label) && label.startsWith('cn-') === china;
      if (part === '{account}') return /^\d{12}$/.test(label);
      return part === label;
    }));
  });
}
