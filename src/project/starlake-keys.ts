/**
 * Which keys Starlake 1.5.16 accepts in each object of its project files. Starlake validates every
 * file against its JSON schema, made strict: an object declared with properties (and without
 * `additionalProperties`) rejects any other key. The facts here are key names only, checked
 * against the schema shipped in Starlake's jar by tests/project/starlake-keys.test.ts, so a new
 * Starlake release that adds or removes a key is caught.
 *
 * Objects are named after the schema's definitions (`TableV1`, ...); `Root` is the top of a file.
 */

/** What a key holds, as far as key checking is concerned. */
export type Slot =
  /** A scalar, or a list of scalars. */
  | "value"
  /** A map whose keys are user data (options, env, Spark settings): never checked. */
  | "free"
  | { readonly object: string }
  | { readonly list: string }
  /** A map from user-chosen names (connection names, ...) to objects. */
  | { readonly map: string };

export interface StarlakeObject {
  readonly keys: Readonly<Record<string, Slot>>;
  /** Starlake accepts any other key here (its schema does not close this object). */
  readonly open?: boolean;
}

/** An object whose keys, written as one space-separated string, all hold values, plus nested ones. */
function obj(values: string, nested: Record<string, Slot> = {}, open = false): StarlakeObject {
  const keys: Record<string, Slot> = {};
  for (const k of values.split(/\s+/)) if (k !== "") keys[k] = "value";
  return { keys: { ...keys, ...nested }, ...(open ? { open } : {}) };
}

const o = (name: string): Slot => ({ object: name });
const list = (name: string): Slot => ({ list: name });
const map = (name: string): Slot => ({ map: name });

export const STARLAKE_OBJECTS: Readonly<Record<string, StarlakeObject>> = {
  Root: obj("version", {
    types: list("TypeV1"),
    dag: o("DagGenerationConfigV1"),
    // Extraction files are not read by us: their content is not checked.
    extract: "free",
    load: o("DomainV1"),
    transform: o("AutoJobDescV1"),
    task: o("AutoTaskDescV1"),
    env: "free",
    table: o("TableV1"),
    refs: list("RefV1"),
    application: o("AppConfigV1"),
  }),

  AppConfigV1: obj(
    `env datasets incoming dags types macros tests prunePartitionOnMerge writeStrategies
     loadStrategies metadata validateOnLoad rejectWithValue archive sinkReplayToFile
     defaultWriteFormat defaultRejectedWriteFormat defaultAuditWriteFormat csvOutput csvOutputExt
     privacyOnly emptyIsNull loader rowValidatorClass loadStrategyClass grouped groupedMax
     scd2StartTimestamp scd2EndTimestamp root udfs sqlParameterPattern rejectAllOnError
     rejectMaxRecords maxParCopy forceViewPattern forceDomainPattern forceTablePattern
     forceJobPattern forceTaskPattern useLocalFileSystem sessionDurationServe database tenant
     connectionRef loadConnectionRef transformConnectionRef maxParTask forceHalt jobIdEnvName
     archiveTablePattern archiveTable version autoExportSchema longJobTimeoutMs shortJobTimeoutMs
     createSchemaIfNotExists timezone maxInteractiveRecords duckdbMode duckdbExtensions duckdbPath
     testCsvNullString hiveInTest duckDbEnableExternalAccess syncSqlWithYaml syncYamlWithDb
     onExceptionRetries pythonLibsDir`,
    {
      metrics: o("MetricsV1"),
      audit: o("AuditV1"),
      lock: o("LockV1"),
      area: o("AreaV1"),
      hadoop: "free",
      connections: map("ConnectionV1"),
      jdbcEngines: map("JdbcEngineV1"),
      privacy: o("PrivacyV1"),
      internal: o("InternalV1"),
      accessPolicies: o("AccessPoliciesV1"),
      sparkScheduling: o("SparkSchedulingV1"),
      expectations: o("ExpectationsConfigV1"),
      kafka: o("KafkaConfigV1"),
      dsvOptions: "free",
      schedulePresets: "free",
      refs: list("RefV1"),
      dagRef: o("DagRefV1"),
      http: o("HttpV1"),
      spark: "free",
      extra: "free",
      gizmosql: o("GizmoV1"),
    },
  ),
  ConnectionV1: obj("type sparkFormat loader quote separator", { options: "free" }),
  DagRefV1: obj("load transform"),
  MetricsV1: obj("path discreteMaxCardinality active"),
  AuditV1: obj(
    "path maxErrors database domain domainExpectation domainRejected detailedLoadAudit active sql",
    { sink: o("AllSinksV1") },
  ),
  LockV1: obj("path timeout pollTime refreshTime"),
  AreaV1: obj("incoming stage unresolved archive ingesting replay hiveDatabase"),
  JdbcEngineV1: obj(
    "quote viewPrefix preActions partitionBy clusterBy strategyBuilder columnRemarks tableRemarks",
    { tables: map("TableDdlV1") },
  ),
  TableDdlV1: obj("createSql pingSql selectSql"),
  PrivacyV1: obj("", { options: "free" }),
  InternalV1: obj(
    "cacheStorageLevel intermediateBigqueryFormat temporaryGcsBucket substituteVars bqAuditSaveInBatchMode",
  ),
  AccessPoliciesV1: obj("apply location database taxonomy"),
  SparkSchedulingV1: obj("maxJobs poolName mode file"),
  ExpectationsConfigV1: obj("path active failOnError"),
  KafkaConfigV1: obj("cometOffsetsMode", {
    serverOptions: "free",
    topics: map("KafkaTopicConfigV1"),
    customDeserializers: "free",
  }),
  // Declared without `type: object`, so Starlake's strict mode leaves it open.
  KafkaTopicConfigV1: obj(
    "topicName maxRead fields partitions replicationFactor",
    { createOptions: "free", accessOptions: "free", headers: "free" },
    true,
  ),
  HttpV1: obj("interface port"),
  GizmoV1: obj("url apiKey"),
  RefV1: obj("", { input: o("InputRefV1"), output: o("OutputRefV1") }),
  InputRefV1: obj("database domain table"),
  OutputRefV1: obj("database domain table"),
  TypeV1: obj("name pattern primitiveType zone sample comment", { ddlMapping: "free" }),

  DomainV1: obj("name comment tags rename database", { metadata: o("MetadataV1") }),
  MetadataV1: obj(
    `format encoding multiline array withHeader separator quote escape directory extensions ack
     loader emptyIsNull dagRef nullValue schedule`,
    {
      sink: o("AllSinksV1"),
      options: "free",
      freshness: o("FreshnessV1"),
      writeStrategy: o("WriteStrategyV1"),
    },
  ),
  AllSinksV1: obj(
    `connectionRef clustering days requirePartitionFilter materializedView enableRefresh
     refreshIntervalMs id format extension sharding partition coalesce path`,
    { options: "free" },
  ),
  FreshnessV1: obj("warn error"),
  // `types` maps write strategy names to conditions: its keys are data.
  WriteStrategyV1: obj("type key timestamp queryFilter on startTs endTs", { types: "free" }),
  TableV1: obj(
    "name pattern comment streams presql postsql tags primaryKey rename sample filter patternSample",
    {
      attributes: list("AttributeV1"),
      metadata: o("MetadataV1"),
      rls: list("RowLevelSecurityV1"),
      expectations: list("ExpectationItemV1"),
      acl: list("AccessControlEntryV1"),
    },
  ),
  AttributeV1: obj(
    `name type array required privacy comment rename sample metricType default tags trim script
     foreignKey ignore accessPolicy`,
    { attributes: list("AttributeV1"), position: o("PositionV1") },
  ),
  PositionV1: obj("first last"),
  RowLevelSecurityV1: obj("name predicate grants description"),
  AccessControlEntryV1: obj("role grants name"),
  ExpectationItemV1: obj("expect failOnError"),

  AutoJobDescV1: obj("name comment", {
    tasks: list("AutoTaskDescV1"),
    default: o("AutoTaskDescV1"),
  }),
  AutoTaskDescV1: obj(
    `name sql streams primaryKey database domain table partition presql postsql comment python
     tags schedule dagRef taskTimeoutMs parseSQL connectionRef syncStrategy
     dataset_triggering_strategy`,
    {
      sink: o("AllSinksV1"),
      rls: list("RowLevelSecurityV1"),
      expectations: list("ExpectationItemV1"),
      acl: list("AccessControlEntryV1"),
      freshness: o("FreshnessV1"),
      attributes: list("AttributeV1"),
      writeStrategy: o("WriteStrategyV1"),
    },
  ),
  DagGenerationConfigV1: obj("comment template filename", { options: "free" }),
};
