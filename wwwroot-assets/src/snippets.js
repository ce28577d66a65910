// Snippets per dialect, in Monaco snippet syntax (${1:placeholder}; a literal "$" is written "\\$").

const flinkTable = (connector, options) => `CREATE TABLE \${1:table_name} (
  \${2:id} \${3:BIGINT},
  \${4:payload} STRING\${5}
) WITH (
  'connector' = '${connector}'${options}
);`;

export const flinkSnippets = [
  ['create table kafka', 'CREATE TABLE … (Kafka source/sink)', flinkTable('kafka', `,
  'topic' = '\${6:topic}',
  'properties.bootstrap.servers' = '\${7:localhost:9092}',
  'properties.group.id' = '\${8:group}',
  'scan.startup.mode' = '\${9:earliest-offset}',
  'format' = '\${10:json}'`)],
  ['create table upsert-kafka', 'CREATE TABLE … (Upsert Kafka)', flinkTable('upsert-kafka', `,
  'topic' = '\${6:topic}',
  'properties.bootstrap.servers' = '\${7:localhost:9092}',
  'key.format' = 'json',
  'value.format' = 'json'`)],
  ['create table jdbc', 'CREATE TABLE … (JDBC)', flinkTable('jdbc', `,
  'url' = '\${6:jdbc:postgresql://localhost:5432/db}',
  'table-name' = '\${7:public.target}',
  'username' = '\${8:user}',
  'password' = '\${9:password}'`)],
  ['create table postgres-cdc', 'CREATE TABLE … (PostgreSQL CDC)', flinkTable('postgres-cdc', `,
  'hostname' = '\${6:localhost}',
  'port' = '5432',
  'username' = '\${7:user}',
  'password' = '\${8:password}',
  'database-name' = '\${9:db}',
  'schema-name' = '\${10:public}',
  'table-name' = '\${11:source}',
  'slot.name' = '\${12:flink}',
  'decoding.plugin.name' = 'pgoutput'`)],
  ['create table datagen', 'CREATE TABLE … (datagen)', flinkTable('datagen', `,
  'rows-per-second' = '\${6:10}'`)],
  ['create table print', 'CREATE TABLE … (print sink)', flinkTable('print', '')],
  ['create table filesystem', 'CREATE TABLE … (filesystem)', flinkTable('filesystem', `,
  'path' = '\${6:file:///tmp/out}',
  'format' = '\${7:csv}'`)],
  ['insert into select', 'INSERT INTO … SELECT …', `INSERT INTO \${1:sink}
SELECT \${2:*}
FROM \${3:source}\${4};`],
  ['statement set', 'EXECUTE STATEMENT SET BEGIN … END;', `EXECUTE STATEMENT SET
BEGIN
  INSERT INTO \${1:sink_a} SELECT \${2:*} FROM \${3:source};
  INSERT INTO \${4:sink_b} SELECT \${5:*} FROM \${6:source};
END;`],
  ['tumble window', 'Tumbling window aggregation', `SELECT window_start, window_end, \${1:COUNT(*)}
FROM TABLE(TUMBLE(TABLE \${2:source}, DESCRIPTOR(\${3:ts}), INTERVAL '\${4:1}' MINUTE))
GROUP BY window_start, window_end;`],
  ['set', "SET 'key' = 'value';", `SET '\${1:execution.checkpointing.interval}' = '\${2:10s}';`],
];

export const postgresSnippets = [
  ['select', 'SELECT … FROM … WHERE …', `SELECT \${1:*}
FROM \${2:table_name}
WHERE \${3:true}
LIMIT \${4:100};`],
  ['insert', 'INSERT INTO … VALUES …', `INSERT INTO \${1:table_name} (\${2:columns})
VALUES (\${3:values});`],
  ['upsert', 'INSERT … ON CONFLICT DO UPDATE', `INSERT INTO \${1:table_name} (\${2:id}, \${3:value})
VALUES (\${4}, \${5})
ON CONFLICT (\${2:id}) DO UPDATE SET \${3:value} = EXCLUDED.\${3:value};`],
  ['create table', 'CREATE TABLE …', `CREATE TABLE \${1:table_name} (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  \${2:name} \${3:text} NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);`],
  ['with', 'WITH … AS (…) SELECT …', `WITH \${1:cte} AS (
  \${2:SELECT 1}
)
SELECT * FROM \${1:cte};`],
  ['do block', 'DO $$ … $$', `DO \\$\\$
BEGIN
  \${1:RAISE NOTICE 'hello';}
END
\\$\\$;`],
];

export const mysqlSnippets = [
  ['create table', 'CREATE TABLE … (InnoDB, utf8mb4)', `CREATE TABLE \${1:table_name} (
  id BIGINT NOT NULL AUTO_INCREMENT,
  \${2:name} VARCHAR(100) NOT NULL,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;`],
  ['upsert', 'INSERT … ON DUPLICATE KEY UPDATE', `INSERT INTO \${1:table_name} (\${2:id}, \${3:value})
VALUES (\${4:1}, \${5:'x'})
ON DUPLICATE KEY UPDATE \${3:value} = VALUES(\${3:value});`],
  ['procedure', 'DELIMITER // CREATE PROCEDURE … END//', `DELIMITER //
CREATE PROCEDURE \${1:name}()
BEGIN
  \${2:SELECT 1;}
END//
DELIMITER ;`],
];

export function snippetsOf(dialect) {
  return dialect === 'pgsql' ? postgresSnippets : dialect === 'mysql' ? mysqlSnippets : flinkSnippets;
}
