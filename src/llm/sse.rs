//! Server-sent events, parsed incrementally from arbitrary byte chunks: lines
//! end in LF, CRLF or CR (a CR at the end of a chunk waits for the next one),
//! multi-byte characters may be split across chunks, `data:` lines of one
//! event are joined with `\n`, comments (`:`) are ignored.

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Event {
    /// The `event:` field (`None` means the default, "message").
    pub event: Option<String>,
    pub data: String,
}

/// Incremental parser state.
#[derive(Debug, Default)]
pub struct Parser {
    buf: Vec<u8>,
    event: Option<String>,
    data: Vec<String>,
    has_data: bool,
}

impl Parser {
    /// A fresh parser.
    pub fn new() -> Parser {
        Parser::default()
    }

    /// Feeds a chunk; returns the events it completed.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<Event> {
        // what is left from the last feed holds no line end but perhaps a
        // final `\r`: scan on from there, not from the start (a long line
        // arriving in many chunks would otherwise be scanned again each time)
        let mut i = self.buf.len().saturating_sub(1);
        self.buf.extend_from_slice(chunk);
        let mut out = Vec::new();
        let mut start = 0usize;
        while i < self.buf.len() {
            match self.buf[i] {
                b'\n' => {
                    let line = self.buf[start..i].to_vec();
                    self.line(&line, &mut out);
                    i += 1;
                    start = i;
                }
                b'\r' => {
                    if i + 1 == self.buf.len() {
                        break; // maybe CRLF split across chunks: wait
                    }
                    let line = self.buf[start..i].to_vec();
                    self.line(&line, &mut out);
                    i += if self.buf[i + 1] == b'\n' { 2 } else { 1 };
                    start = i;
                }
                _ => i += 1,
            }
        }
        self.buf.drain(..start);
        out
    }

    /// Ends the stream: a last line without a newline, and an event without
    /// its blank line, are dispatched.
    pub fn finish(&mut self) -> Vec<Event> {
        let mut out = Vec::new();
        if !self.buf.is_empty() {
            let mut line = std::mem::take(&mut self.buf);
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            self.line(&line, &mut out);
        }
        self.dispatch(&mut out);
        out
    }

    fn line(&mut self, raw: &[u8], out: &mut Vec<Event>) {
        if raw.is_empty() {
            self.dispatch(out);
            return;
        }
        let line = String::from_utf8_lossy(raw);
        if line.starts_with(':') {
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line.as_ref(), ""),
        };
        match field {
            "data" => {
                self.data.push(value.to_string());
                self.has_data = true;
            }
            "event" => self.event = Some(value.to_string()),
            _ => {} // id, retry and unknown fields are not used
        }
    }

    fn dispatch(&mut self, out: &mut Vec<Event>) {
        if self.has_data {
            out.push(Event {
                event: self.event.take(),
                data: self.data.join("\n"),
            });
        }
        self.event = None;
        self.data.clear();
        self.has_data = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORDED: &str = "event: message_start\r\ndata: {\"a\":1}\r\n\r\n: keep-alive\n\ndata: {\"text\":\"caf\u{e9} \u{2014} \u{1F600}\"}\n\ndata: line one\ndata: line two\n\nevent: done\rdata: [DONE]\r\r";

    fn all_at_once(input: &[u8]) -> Vec<Event> {
        let mut p = Parser::new();
        let mut out = p.feed(input);
        out.extend(p.finish());
        out
    }

    #[test]
    fn parses_crlf_cr_lf_comments_and_multiline_data() {
        let events = all_at_once(RECORDED.as_bytes());
        assert_eq!(events.len(), 4);
        assert_eq!(events[0].event.as_deref(), Some("message_start"));
        assert_eq!(events[0].data, "{\"a\":1}");
        assert_eq!(
            events[1].data,
            "{\"text\":\"caf\u{e9} \u{2014} \u{1F600}\"}"
        );
        assert_eq!(events[2].data, "line one\nline two");
        assert_eq!(events[3].event.as_deref(), Some("done"));
        assert_eq!(events[3].data, "[DONE]");
    }

    #[test]
    fn any_cut_point_gives_the_same_events() {
        let bytes = RECORDED.as_bytes();
        let expected = all_at_once(bytes);
        for cut in 0..=bytes.len() {
            let mut p = Parser::new();
            let mut got = p.feed(&bytes[..cut]);
            got.extend(p.feed(&bytes[cut..]));
            got.extend(p.finish());
            assert_eq!(got, expected, "cut at byte {cut}");
        }
        // and byte by byte
        let mut p = Parser::new();
        let mut got = Vec::new();
        for b in bytes {
            got.extend(p.feed(std::slice::from_ref(b)));
        }
        got.extend(p.finish());
        assert_eq!(got, expected);
    }

    #[test]
    fn unterminated_last_event_is_flushed_on_finish() {
        let mut p = Parser::new();
        assert!(p.feed(b"data: partial").is_empty());
        assert_eq!(p.finish()[0].data, "partial");
    }
}
