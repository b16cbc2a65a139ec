//! A page's text from Tesseract's words (its `tsv` output: one row per
//! word with its block, paragraph and line, and how confident it is), laid
//! out as Tesseract's plain text is: words apart by spaces, lines on lines,
//! a blank line between paragraphs.
//!
//! The confidences tell a page of text from a picture. Tesseract reads
//! something into any photograph or drawing (`Te Hee ju far Mae … pa ra
//! PA om Pra`), and into a page lying on its side or upside down
//! (`oueyejohey JareJaque`), most of it below 60 of 100. Count a page's
//! words of four letters or digits or more, and those read with confidence
//! 60 or above: a clean scan has 46 of 47, a blurred, speckled,
//! half-resolution scan whose words come out damaged 20 of 44, a cover or a
//! drawing with a few words of text all of its few (`Doesn't`, 1 of 1), a
//! page turned on its side 6 of 45, and a photograph none (0 of 2). A page
//! is text when at least [`MIN_CONFIDENT_WORDS`] of them, and a quarter,
//! are confident; anything else is a picture, or a page to read again
//! turned (the caller's choice).

/// Confidence (0–100) at which Tesseract's reading of a word is trusted.
const CONFIDENT: f32 = 60.0;
/// Confident words of four letters or digits or more a page needs to be
/// text.
pub const MIN_CONFIDENT_WORDS: usize = 1;
/// Share of its words of four letters or digits or more a page of text
/// reads with confidence.
pub const MIN_CONFIDENT_SHARE: f32 = 0.25;

/// Words of four letters or digits or more a page that reads as a picture
/// needs before it is read again turned: a text page on its side gives
/// dozens (45 on half an A4 page at 200 dpi), a photograph none to a few.
pub const MIN_TURNED_WORDS: usize = 10;

/// What Tesseract read on a page: the words laid out, and how many of its
/// words of four letters or more it read, and read with confidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    text: String,
    long: usize,
    confident: usize,
}

impl Page {
    /// The page of the words in `tsv` (Tesseract's `tsv` output).
    pub fn read(tsv: &str) -> Page {
        let mut text = String::new();
        let mut last: Option<(&str, &str, &str, &str)> = None;
        let (mut confident, mut long) = (0, 0);
        for row in tsv.lines() {
            let cols: Vec<&str> = row.split('\t').collect();
            // level page block paragraph line word left top width height conf text
            let [level, page, block, par, line, _, _, _, _, _, conf, word] = cols[..] else {
                continue;
            };
            let word = word.trim();
            if level != "5" || word.is_empty() {
                continue;
            }
            let conf: f32 = conf.trim().parse().unwrap_or(0.0);
            if word.chars().filter(|c| c.is_alphanumeric()).count() >= 4 {
                long += 1;
                confident += usize::from(conf >= CONFIDENT);
            }
            let here = (page, block, par, line);
            match last {
                None => {}
                Some(prev) if (prev.0, prev.1, prev.2) != (page, block, par) => {
                    text.push_str("\n\n")
                }
                Some(prev) if prev.3 != line => text.push('\n'),
                Some(_) => text.push(' '),
            }
            text.push_str(word);
            last = Some(here);
        }
        if !text.is_empty() {
            text.push('\n');
        }
        Page {
            text,
            long,
            confident,
        }
    }

    /// Whether the words look like a page of text (module doc).
    pub fn is_text(&self) -> bool {
        self.confident >= MIN_CONFIDENT_WORDS
            && self.confident as f32 >= MIN_CONFIDENT_SHARE * self.long as f32
    }

    /// Whether a page that does not read as text has words enough to be a
    /// page of text lying on its side, worth reading again turned.
    pub fn may_be_turned(&self) -> bool {
        !self.is_text() && self.long >= MIN_TURNED_WORDS
    }

    /// The page's text; nothing when it reads as a picture.
    pub fn into_text(self) -> Option<String> {
        self.is_text().then_some(self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of the words in `tsv`, or `None` when they look like what
    /// Tesseract reads into a picture or a page turned.
    fn text(tsv: &str) -> Option<String> {
        Page::read(tsv).into_text()
    }

    const HEADER: &str =
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext";

    fn tsv(words: &[(u32, u32, u32, f32, &str)]) -> String {
        let mut s = format!("{HEADER}\n1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t\n");
        for (i, (block, par, line, conf, word)) in words.iter().enumerate() {
            s += &format!("4\t1\t{block}\t{par}\t{line}\t0\t0\t0\t9\t9\t-1\t\n");
            s += &format!("5\t1\t{block}\t{par}\t{line}\t{i}\t0\t0\t9\t9\t{conf}\t{word}\n");
        }
        s
    }

    #[test]
    fn words_are_laid_out_in_lines_and_paragraphs() {
        let t = tsv(&[
            (1, 1, 1, 96.0, "Kystsoneplan"),
            (1, 1, 1, 95.5, "for"),
            (1, 1, 2, 91.0, "Nordland"),
            (1, 2, 1, 93.0, "Havbruket"),
            (2, 1, 1, 90.0, "veksler."),
        ]);
        assert_eq!(
            text(&t).unwrap(),
            "Kystsoneplan for\nNordland\n\nHavbruket\n\nveksler.\n"
        );
    }

    #[test]
    fn what_tesseract_reads_into_a_picture_is_left_out() {
        // the reading of a photograph, words and confidences as Tesseract
        // gave them
        let photo = tsv(&[
            (1, 1, 1, 33.5, "Te"),
            (1, 1, 1, 19.5, "Hee"),
            (1, 1, 1, 63.1, "ju"),
            (1, 1, 2, 42.7, "far"),
            (2, 1, 1, 85.0, "™"),
            (2, 1, 2, 79.2, "3ve"),
            (2, 1, 3, 57.7, "‘eno"),
            (2, 1, 4, 61.6, "ros"),
            (2, 1, 5, 54.1, "peis]"),
            (2, 1, 6, 29.8, "poss)"),
            (2, 1, 7, 54.7, "P09"),
        ]);
        assert_eq!(text(&photo), None);
        // a page on its side: a few long words read with confidence, among
        // many that are not
        let mut turned = vec![
            (1, 1, 1, 91.0, "LARP"),
            (1, 1, 1, 75.0, "SPIG"),
            (1, 1, 2, 62.0, "oueyejohey"),
        ];
        turned.extend((0..12).map(|_| (1, 1, 3, 31.0, "JareJaque")));
        assert_eq!(text(&tsv(&turned)), None);
        assert!(Page::read(&tsv(&turned)).may_be_turned());
        assert!(!Page::read(&photo).may_be_turned());
        // a damaged scan: low confidences, but words enough
        let scan = tsv(&[
            (1, 1, 1, 3.0, "Havforsknidgsinstitultet"),
            (1, 1, 1, 96.0, "viser"),
            (1, 1, 2, 88.0, "Viktige"),
            (1, 1, 2, 78.0, "leveomrider"),
            (1, 1, 2, 35.0, "yngsl"),
        ]);
        assert_eq!(
            text(&scan).as_deref(),
            Some("Havforsknidgsinstitultet viser\nViktige leveomrider yngsl\n")
        );
    }

    #[test]
    fn a_page_of_a_few_words_or_of_figures_is_text() {
        // a drawing's speech bubble, a cover's title: few words, all sure
        let bubble = tsv(&[(1, 1, 1, 96.1, "It"), (1, 1, 2, 94.9, "Doesn't")]);
        assert_eq!(text(&bubble).as_deref(), Some("It\nDoesn't\n"));
        // a table of figures
        let table = tsv(&[
            (1, 1, 1, 91.0, "2024"),
            (1, 1, 1, 90.0, "1.250.000"),
            (1, 1, 2, 89.0, "2025"),
            (1, 1, 2, 92.0, "980.000"),
        ]);
        assert!(text(&table).is_some());
    }

    #[test]
    fn rows_that_are_not_words_are_passed_over() {
        assert_eq!(text(""), None);
        assert_eq!(text("garbage\nno\ttabs\there"), None);
        assert_eq!(
            text(&format!("{HEADER}\n5\t1\t1\t1\t1\t1\t0\t0\t9\t9\tx\t  \n")),
            None
        );
    }
}
