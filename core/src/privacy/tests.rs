use super::*;
use std::collections::BTreeMap;

/// Every migration's SQL, in order.
fn migrations() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations-d1");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("migrations-d1 readable")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    files.iter().map(|p| (p.display().to_string(), std::fs::read_to_string(p).expect("migration readable"))).collect()
}

/// Each table's columns and the tables its columns reference, as the migrations leave them.
#[derive(Default, Debug)]
struct Shape {
    columns: Vec<String>,
    references: Vec<String>,
}

fn shapes() -> BTreeMap<String, Shape> {
    let mut shapes: BTreeMap<String, Shape> = BTreeMap::new();
    for (_, sql) in migrations() {
        let mut current: Option<String> = None;
        for line in sql.lines() {
            let line = line.split("--").next().unwrap_or_default().trim();
            if let Some(table) = created_tables(line).into_iter().next() {
                shapes.insert(table.clone(), Shape::default());
                current = Some(table);
                continue;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            if let ["ALTER", "TABLE", table, "ADD", "COLUMN", column, ..] = words.as_slice() {
                shapes.entry((*table).to_owned()).or_default().columns.push((*column).to_owned());
            }
            if line.starts_with(')') {
                current = None;
            }
            let Some(table) = &current else { continue };
            let shape = shapes.get_mut(table).expect("current table");
            if let Some(column) = words.first().filter(|w| w.chars().all(|c| c.is_ascii_lowercase() || c == '_')) {
                shape.columns.push((*column).to_owned());
            }
            if let Some((_, rest)) = line.split_once("REFERENCES ") {
                shape.references.push(rest.split('(').next().unwrap_or_default().trim().to_owned());
            }
        }
    }
    shapes
}

fn mapped(table: &str) -> bool {
    STORES.iter().any(|s| s.table == table)
}

#[test]
fn every_table_a_migration_creates_is_mapped_or_named_as_holding_nobody() {
    let shapes = shapes();
    assert!(shapes.len() > 30, "read {} tables", shapes.len());
    for table in shapes.keys() {
        let left_out = NOT_PERSONAL.iter().any(|(t, why)| t == table && !why.is_empty());
        assert!(
            mapped(table) ^ left_out,
            "table `{table}`: add it to privacy::STORES (how its rows about a contact are found) \
             or to NOT_PERSONAL with the reason — exactly one"
        );
    }
    for store in STORES {
        assert!(shapes.contains_key(store.table), "STORES names `{}`, which no migration creates", store.table);
    }
}

#[test]
fn a_table_with_a_contact_id_column_is_exported_and_erased() {
    let shapes = shapes();
    let with_contact = shapes.values().filter(|s| s.columns.iter().any(|c| c == "contact_id")).count();
    assert!(with_contact >= 14, "only {with_contact} tables with contact_id read from the migrations");
    for (table, shape) in shapes {
        if shape.columns.iter().any(|c| c == "contact_id") {
            assert!(mapped(&table), "`{table}` has a contact_id column but privacy::STORES does not know it");
        }
    }
}

#[test]
fn a_table_is_erased_before_the_tables_it_references() {
    let position = |table: &str| STORES.iter().position(|s| s.table == table);
    let mut checked = 0;
    for (table, shape) in shapes() {
        let Some(mine) = position(&table) else { continue };
        for referenced in &shape.references {
            if let Some(theirs) = position(referenced) {
                checked += 1;
                assert!(mine < theirs, "`{table}` references `{referenced}`, so it must be erased first");
            }
        }
    }
    assert!(checked >= 15, "only {checked} references between mapped tables read from the migrations");
    assert_eq!(STORES.last().map(|s| s.table), Some("contacts"), "the contact goes last");
}

#[test]
fn stores_naming_records_come_before_those_records() {
    let position = |table: &str| STORES.iter().position(|s| s.table == table).expect("mapped");
    for store in STORES {
        let sql = store.key.predicate();
        for (record, _) in RECORDS {
            if sql.contains(&format!("FROM {record} ")) && store.table != *record {
                assert!(
                    position(store.table) < position(record),
                    "`{}` is found through `{record}`, so it must be erased before it",
                    store.table
                );
            }
        }
    }
}

#[test]
fn every_statement_binds_the_same_six_values_and_stays_in_the_tenant() {
    for store in STORES {
        for sql in [store.select_sql(), store.delete_sql()] {
            assert!(sql.starts_with(WHO), "{sql}");
            assert!(sql.contains(&format!("WHERE tenant_id = {T} AND ")), "{sql}");
            assert!(!sql.contains("?7"), "{sql}");
        }
    }
    let audit = erased_audit_sql();
    assert!(audit.contains("'contact.erased'") && audit.contains("WHERE EXISTS (SELECT 1 FROM contacts"));
    for store in STORES {
        assert!(audit.contains(&format!("'{}', (SELECT COUNT(*) FROM {} WHERE", store.table, store.table)));
    }
    assert!(Key::Audit.predicate().contains("action <> 'contact.erased'"), "the erasure's own entry stays");
}

#[test]
fn raw_bodies_are_searched_for_the_number_without_its_plus() {
    let subject = |phone: Option<&str>| Subject {
        tenant_id: "ten_a".into(),
        contact_id: "con_1".into(),
        phone: phone.map(Into::into),
        email: Some("ana@example.com".into()),
        visitor: None,
    };
    assert_eq!(subject(Some("+447700900123")).digits().as_deref(), Some("447700900123"));
    assert_eq!(subject(None).digits(), None);
    assert_eq!(subject(Some("+1234")).digits(), None, "too short to tell from other digits");
    assert_eq!(subject(Some("+447700900123")).needles(), vec!["con_1", "+447700900123", "ana@example.com"]);
}

#[test]
fn created_tables_reads_plain_virtual_and_renamed_tables() {
    let sql = "CREATE TABLE a (\n  id TEXT\n);\nCREATE VIRTUAL TABLE kb_fts USING fts5(title);\nCREATE TABLE escalations_new (\n);";
    assert_eq!(created_tables(sql), vec!["a", "kb_fts", "escalations"]);
}
