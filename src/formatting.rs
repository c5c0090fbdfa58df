//! Renders figures for people: "USD 39.32 billion", "more than 160 cities", "22.2%".

use crate::entities::observation::Qualifier;

/// A number with thousands separators and no trailing zeros: 31206 → "31,206".
pub fn number(value: f64) -> String {
    let text = if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    };
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (integer, fraction) = match unsigned.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (unsigned, None),
    };
    let mut grouped = String::new();
    for (index, digit) in integer.chars().enumerate() {
        if index > 0 && (integer.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    match fraction {
        Some(fraction) => format!("{sign}{grouped}.{fraction}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A value with its unit and scale, as a reader would write it.
pub fn figure(value: f64, unit: &str, scale: &str, qualifier: Qualifier) -> String {
    let amount = number(value);
    let scale = if scale == "one" { "" } else { scale };
    let is_currency = unit.len() == 3 && unit.chars().all(|c| c.is_ascii_uppercase());
    let body = match unit {
        "percent" => format!("{amount}%"),
        "rank" => format!("No. {amount}"),
        _ if is_currency => [unit, &amount, scale]
            .iter()
            .filter(|part| !part.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" "),
        _ => [amount.as_str(), scale, unit]
            .iter()
            .filter(|part| !part.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" "),
    };
    match qualifier {
        Qualifier::Exact => body,
        Qualifier::Approximately => format!("about {body}"),
        Qualifier::MoreThan => format!("more than {body}"),
        Qualifier::AtLeast => format!("at least {body}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_published_precision() {
        assert_eq!(number(39.32), "39.32");
        assert_eq!(number(31206.0), "31,206");
        assert_eq!(number(82673.0), "82,673");
        assert_eq!(number(1234567.5), "1,234,567.5");
        assert_eq!(number(-1300.0), "-1,300");
        assert_eq!(number(0.5), "0.5");
    }

    #[test]
    fn figures_read_as_a_reporter_would_write_them() {
        assert_eq!(
            figure(39.32, "USD", "billion", Qualifier::Exact),
            "USD 39.32 billion"
        );
        assert_eq!(
            figure(2.4, "CNY", "trillion", Qualifier::Approximately),
            "about CNY 2.4 trillion"
        );
        assert_eq!(
            figure(160.0, "cities", "one", Qualifier::MoreThan),
            "more than 160 cities"
        );
        assert_eq!(figure(22.2, "percent", "one", Qualifier::Exact), "22.2%");
        assert_eq!(
            figure(10.0, "percent", "one", Qualifier::AtLeast),
            "at least 10%"
        );
        assert_eq!(figure(2.0, "rank", "one", Qualifier::Exact), "No. 2");
        assert_eq!(
            figure(10840.0, "enterprises", "one", Qualifier::Exact),
            "10,840 enterprises"
        );
    }
}
