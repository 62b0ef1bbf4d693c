//! Listings from CSV: a header row naming the JSON fields (any order), RFC 4180 quoting,
//! `features` separated by `;`, the landlord as `landlord_name`, `landlord_phone`,
//! `landlord_email`, `rules` as JSON text. Each row is checked like a JSON listing; a bad row is
//! reported with its line and stored nowhere, the good ones go ahead.

use super::validate::from_fields;
use super::Listing;
use crate::kb::ingest::parse_csv_lines;
use serde_json::{Map, Value};

/// Rows per import call: one call stays a handful of D1 statements.
pub const MAX_ROWS: usize = 2_000;

const NUMBERS: &[&str] = &["beds", "baths", "price"];
const LANDLORD: &[(&str, &str)] =
    &[("landlord_name", "name"), ("landlord_phone", "phone"), ("landlord_email", "email")];

/// A row that cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowError {
    pub line: usize,
    pub problem: String,
}

/// The good rows (with their lines) and the bad ones.
#[derive(Debug, Default)]
pub struct CsvImport {
    pub listings: Vec<(usize, Listing)>,
    pub errors: Vec<RowError>,
}

/// Parses the whole file; `Err` only when nothing can be read (no header, broken quoting, too
/// many rows), otherwise every bad row is in `errors`.
pub fn from_csv(text: &str) -> Result<CsvImport, String> {
    let mut records = parse_csv_lines(text)?.into_iter().filter(|(_, row)| row.iter().any(|f| !f.trim().is_empty()));
    let (_, header) = records.next().ok_or("the CSV is empty: expected a header row naming the columns")?;
    let header: Vec<String> = header.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
    for required in ["reference", "kind", "type", "price"] {
        if !header.iter().any(|h| h == required) {
            return Err(format!("CSV line 1: the header has no `{required}` column"));
        }
    }
    let mut import = CsvImport::default();
    let mut seen: Vec<(String, usize)> = Vec::new();
    for (count, (line, row)) in records.enumerate() {
        if count >= MAX_ROWS {
            return Err(format!("at most {MAX_ROWS} rows per import"));
        }
        if row.len() != header.len() {
            let problem = format!("{} fields where the header has {}", row.len(), header.len());
            import.errors.push(RowError { line, problem });
            continue;
        }
        match from_fields(&fields(&header, &row)) {
            Ok(listing) => match seen.iter().find(|(r, _)| *r == listing.reference) {
                Some((reference, first)) => import
                    .errors
                    .push(RowError { line, problem: format!("reference {reference} is already on line {first}") }),
                None => {
                    seen.push((listing.reference.clone(), line));
                    import.listings.push((line, listing));
                }
            },
            Err(invalid) => import.errors.push(RowError { line, problem: invalid.to_string() }),
        }
    }
    Ok(import)
}

/// One row as the JSON fields a client would have sent; empty cells are absent.
fn fields(header: &[String], row: &[String]) -> Map<String, Value> {
    let mut map = Map::new();
    let mut landlord = Map::new();
    for (name, cell) in header.iter().zip(row) {
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        if let Some((_, key)) = LANDLORD.iter().find(|(column, _)| column == name) {
            landlord.insert((*key).into(), Value::String(cell.into()));
            continue;
        }
        let value = match name.as_str() {
            // A cell that is not a number stays text, so the check names the field.
            n if NUMBERS.contains(&n) => {
                let digits: String = cell.chars().filter(|c| !matches!(c, '£' | ',' | ' ')).collect();
                serde_json::from_str::<serde_json::Number>(&digits)
                    .map(Value::Number)
                    .unwrap_or_else(|_| Value::String(cell.into()))
            }
            "features" => cell.split(';').filter(|f| !f.trim().is_empty()).map(|f| Value::String(f.into())).collect(),
            "rules" => serde_json::from_str(cell).unwrap_or_else(|_| Value::String(cell.into())),
            _ => Value::String(cell.into()),
        };
        map.insert(name.clone(), value);
    }
    if !landlord.is_empty() {
        map.insert("landlord".into(), Value::Object(landlord));
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listings::{Kind, PricePeriod};

    const HEADER: &str =
        "reference,kind,type,beds,baths,price,area,postcode,address,features,available_from,landlord_name";

    #[test]
    fn quoted_fields_features_and_landlord() {
        let csv = format!(
            "{HEADER}\r\nMP-1,rent,flat,2,1,\"£1,450\",Clifton,BS8 1AB,\"Flat 2, 21 Elm Road\",parking;garden;pets allowed,2026-03-01,\"Jo \"\"JJ\"\" Smith\"\n\n"
        );
        let import = from_csv(&csv).unwrap();
        assert!(import.errors.is_empty(), "{:?}", import.errors);
        let (line, l) = &import.listings[0];
        assert_eq!(*line, 2);
        assert_eq!((l.price, l.address.as_str()), (1450.0, "Flat 2, 21 Elm Road"));
        assert_eq!(l.features, ["parking", "garden", "pets_allowed"]);
        assert_eq!(l.landlord.as_ref().unwrap().name, "Jo \"JJ\" Smith");
        assert_eq!((l.kind, l.price_period), (Kind::Rent, PricePeriod::Month));
    }

    #[test]
    fn bad_rows_are_named_by_line_and_the_rest_go_ahead() {
        let csv = format!(
            "{HEADER}\nMP-1,rent,flat,2,1,1450,Clifton,,\"Flat 2,\nElm Road\",,,\nMP-2,rent,flat,two,1,1450,Clifton,,1 Road,,,\nMP-3,rent,flat,1,1\nMP-1,sale,house,3,2,400000,Redland,,2 Road,,,\nMP-4,stay,cottage,2,1,120,Harbourside,,3 Quay,,2026-02-30,\n"
        );
        let import = from_csv(&csv).unwrap();
        assert_eq!(import.listings.len(), 1);
        let errors: Vec<(usize, &str)> = import.errors.iter().map(|e| (e.line, e.problem.as_str())).collect();
        assert_eq!(errors.len(), 4, "{errors:?}");
        // The first record spans lines 2–3, so the next starts on line 4.
        assert_eq!(errors[0].0, 4);
        assert!(errors[0].1.contains("`beds`"));
        assert_eq!(errors[1].0, 5);
        assert!(errors[1].1.contains("5 fields"));
        assert!(errors[2].1.contains("already on line 2"));
        assert!(errors[3].1.contains("`available_from`"));
    }

    #[test]
    fn unreadable_files_fail_whole() {
        assert!(from_csv("").unwrap_err().contains("empty"));
        assert!(from_csv("kind,type,price\nrent,flat,1").unwrap_err().contains("`reference`"));
        assert!(from_csv(&format!("{HEADER}\n\"open")).unwrap_err().contains("never closed"));
    }
}
