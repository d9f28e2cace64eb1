// Writes a synthetic Starlake project: `tables` load tables in domains of 100, half as many
// transforms in domains of 100, each reading two tables and (for most) the previous transform,
// so lineage has long chains. Usage: node generate.mjs <folder> <tables>
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function generateProject(root, tables) {
  rmSync(root, { recursive: true, force: true });
  const write = (rel, text) => {
    const path = join(root, rel);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, text);
  };
  write(
    "metadata/application.sl.yml",
    'version: 1\napplication:\n  dagRef:\n    load: load_per_domain\n    transform: transform_per_task\n  schedulePresets:\n    daily: "0 2 * * *"\n    hourly: "15 * * * *"\n',
  );
  write(
    "metadata/env.sl.yml",
    'version: 1\nenv:\n  incoming_path: "{{SL_ROOT}}/datasets/incoming"\n',
  );
  write(
    "metadata/dags/load_per_domain.sl.yml",
    'version: 1\ndag:\n  comment: "load {{domain}}"\n  template: "load/airflow__scheduled_table__shell.py.j2"\n  filename: "load_{{domain}}.py"\n  options:\n    sl_env_var: \'{"SL_ROOT": "{{SL_ROOT}}"}\'\n    pre_load_strategy: imported\n',
  );
  write(
    "metadata/dags/transform_per_task.sl.yml",
    'version: 1\ndag:\n  comment: "transform {{task}}"\n  template: "transform/airflow__scheduled_task__shell.py.j2"\n  filename: "t_{{domain}}_{{table}}.py"\n  options:\n    dataset_triggering_strategy: all\n',
  );
  const tableName = (i) => [`d${Math.floor(i / 100)}`, `table_${i}`];
  for (let i = 0; i < tables; i++) {
    const [d, t] = tableName(i);
    if (i % 100 === 0)
      write(
        `metadata/load/${d}/_config.sl.yml`,
        `version: 1\nload:\n  metadata:\n    directory: "{{incoming_path}}/${d}"\n    schedule: daily\n`,
      );
    const schedule = i % 10 === 0 ? "    schedule: hourly\n" : "";
    write(
      `metadata/load/${d}/${t}.sl.yml`,
      `version: 1\ntable:\n  name: ${t}\n  pattern: "${t}_.*.csv"\n  metadata:\n    format: DSV\n    separator: ";"\n${schedule}  attributes:\n    - { name: id, type: long, required: true }\n    - { name: label, type: string }\n    - { name: amount, type: decimal }\n    - { name: updated_at, type: timestamp }\n`,
    );
  }
  const transforms = Math.floor(tables / 2);
  for (let j = 0; j < transforms; j++) {
    const domain = `k${Math.floor(j / 100)}`;
    const [da, ta] = tableName((j * 2) % tables);
    const [db, tb] = tableName((j * 2 + 1) % tables);
    const previous = j % 100 === 0 ? "" : `\n  LEFT JOIN ${domain}.task_${j - 1} p ON p.id = a.id`;
    write(
      `metadata/transform/${domain}/task_${j}.sl.yml`,
      "version: 1\ntask:\n  writeStrategy:\n    type: OVERWRITE\n",
    );
    write(
      `metadata/transform/${domain}/task_${j}.sql`,
      `WITH recent AS (\n  SELECT id, amount FROM ${db}.${tb} WHERE updated_at > '2024-01-01'\n)\nSELECT a.id, a.label, sum(r.amount) AS total\nFROM ${da}.${ta} a\n  JOIN recent r ON r.id = a.id${previous}\nGROUP BY a.id, a.label\n`,
    );
  }
}

if (process.argv[1]?.endsWith("generate.mjs"))
  generateProject(process.argv[2], Number(process.argv[3]));
