//! Numbers, money and dates as a voice says them: "one thousand four hundred and fifty pounds",
//! "the first of March".

const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 10] = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
const ORDINALS: [&str; 20] = [
    "",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
];
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// British English: "one hundred and five", "two million four hundred thousand".
pub fn number_words(n: u64) -> String {
    if n < 20 {
        return ONES[n as usize].to_owned();
    }
    if n < 100 {
        let tens = TENS[(n / 10) as usize];
        return if n.is_multiple_of(10) { tens.to_owned() } else { format!("{tens}-{}", ONES[(n % 10) as usize]) };
    }
    if n < 1000 {
        let rest = n % 100;
        let hundreds = format!("{} hundred", ONES[(n / 100) as usize]);
        return if rest == 0 { hundreds } else { format!("{hundreds} and {}", number_words(rest)) };
    }
    for (scale, name) in [(1_000_000_000, "billion"), (1_000_000, "million"), (1_000, "thousand")] {
        if n >= scale {
            let rest = n % scale;
            let head = format!("{} {name}", number_words(n / scale));
            return match rest {
                0 => head,
                r if r < 100 => format!("{head} and {}", number_words(r)),
                r => format!("{head} {}", number_words(r)),
            };
        }
    }
    unreachable!("every n ≥ 1000 has a scale")
}

/// "1st" as a voice says it: "first", "twenty-third", "thirty-first".
pub fn ordinal_words(n: u32) -> String {
    match n {
        1..=19 => ORDINALS[n as usize].to_owned(),
        20 => "twentieth".into(),
        30 => "thirtieth".into(),
        21..=29 | 31..=39 => format!("{}-{}", TENS[(n / 10) as usize], ORDINALS[(n % 10) as usize]),
        _ => number_words(u64::from(n)),
    }
}

/// "one thousand four hundred and fifty pounds", "ninety-two pounds fifty".
pub fn pounds_words(amount: f64) -> String {
    let pence_total = (amount * 100.0).round() as u64;
    let (pounds, pence) = (pence_total / 100, pence_total % 100);
    let unit = if pounds == 1 { "pound" } else { "pounds" };
    match pence {
        0 => format!("{} {unit}", number_words(pounds)),
        p => format!("{} {unit} {}", number_words(pounds), number_words(p)),
    }
}

/// "£1,450", "£92.50".
pub fn pounds_digits(amount: f64) -> String {
    let pence_total = (amount * 100.0).round() as u64;
    let (pounds, pence) = (pence_total / 100, pence_total % 100);
    let digits = pounds.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if pence == 0 {
        format!("£{grouped}")
    } else {
        format!("£{grouped}.{pence:02}")
    }
}

/// (day, month name) of a `YYYY-MM-DD` date.
pub fn day_month(date: &str) -> Option<(u32, &'static str)> {
    let month: usize = date.get(5..7)?.parse().ok()?;
    let day: u32 = date.get(8..10)?.parse().ok()?;
    Some((day, MONTHS.get(month.checked_sub(1)?)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_the_british_way() {
        assert_eq!(number_words(1450), "one thousand four hundred and fifty");
        assert_eq!(number_words(475_000), "four hundred and seventy-five thousand");
        assert_eq!(number_words(1_005), "one thousand and five");
        assert_eq!(number_words(2_400_000), "two million four hundred thousand");
        assert_eq!(pounds_words(92.5), "ninety-two pounds fifty");
        assert_eq!(pounds_words(1.0), "one pound");
        assert_eq!(ordinal_words(1), "first");
        assert_eq!(ordinal_words(23), "twenty-third");
        assert_eq!(pounds_digits(1450.0), "£1,450");
        assert_eq!(pounds_digits(1_250_000.0), "£1,250,000");
        assert_eq!(pounds_digits(92.5), "£92.50");
    }
}
