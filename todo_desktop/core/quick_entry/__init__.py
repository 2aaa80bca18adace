"""The quick-add language: "Call mom tomorrow at 5pm !high #family" becomes a task draft.

    entry = parse(text, now, zone, day_first=True)
    entry.title, entry.due, entry.has_time, entry.priority, entry.tags, entry.repeat, entry.reminder
    summary(entry, now, zone)        # "Tomorrow 17:00 · High · #family"
    literal(text, entry.parts[-1].span)  # the same text with the last part made plain words

Pure: no clock (``now`` is a parameter), no I/O, no locale (``day_first`` comes from the
caller's locale, see `day_first_for`). A small hand-written grammar rather than a date library,
by measurement (``python -m tests.bench.quick_entry``, on the case table of the tests):
dateparser and parsedatetime found a date in over 40% of the titles that have none ("May Day
party", "Watch Friday Night Lights"), read 75-80% of the real ones right, know nothing of tags,
priorities or repeats, and take 14 to 90 ms to import where this takes about 6.

What is read
------------
- Dates: today, tonight (20:00, or the end of today once it is later than that), this
  morning / afternoon / evening (today at 09:00 / 15:00 / 19:00, the same way), tomorrow;
  weekdays (fri, friday: the soonest, today included; "this friday" the same; "next friday"
  the Friday of next week, weeks starting on Monday); next week (its Monday), next month (its
  1st), next year (1 January), this/next weekend (Saturday); in 3 days / 2 weeks / a month /
  1 year; dec 24, 24 dec, december 24th, 24th of december, dec 24 2027; 2026-12-24;
  24/12 and 12/31 (the only possible reading) and 5/6 (by ``day_first``), with /2027 allowed;
  24.12. and 24.12.2027 (always day first); "on the 5th" (the next 5th); after a cue only,
  (the) end of (the / this / next) week / month / year (its last day; weeks end on Sunday,
  so on a Sunday "by end of week" is today). A month and day
  already past this year mean next year's; a date that does not exist (feb 30) is not one.
- Times: 5pm, 5:30pm, 5 pm, 17:00, at 9am, noon, midnight (the end of the day it is given
  for: "friday midnight" is 00:00 on Saturday); right after a date or a repeat, morning
  (09:00), afternoon (15:00), evening (19:00) and night (20:00). An hour alone right after
  "at" or "@", where dates are read at the end: "at 6" is 18:00 (1 to 6 the afternoon and
  evening, 7 to 11 the morning, 12 noon, the hours tasks are due at; after
  "tonight" the evening's), "at 18" and "at 06" the 24-hour clock; an hour of one digit with
  minutes the same way ("at 6:30" is 18:30, "06:30" the morning). In 2 hours, in 20 min, in
  an hour (under a day, at the end of the text): the time that much later, by the hours that
  pass, not the clock's. A time without a date is today's, or tomorrow's once it has passed.
  A date without a time is due at 23:59 local (`core.clock.end_of_day`), and the result says
  ``has_time=False``. Times a DST change skips or repeats take the offset before the change
  (02:30 on the spring night is 03:30).
- Priority: !low !medium !high !urgent anywhere; Todoist's p1 (urgent) to p4 (low) where
  dates are read. The rightmost wins.
- Tags: #word: a letter, then letters, marks, digits, - and _, in any script. Kept as typed
  (the first spelling, so #NYC and #iOS stay as written) and compared case-insensitively
  (#Home and #home are one tag): lower-casing would spoil such names, and case-sensitive tags
  would split one tag in two by a typo.
- Repeats (RRULE, see `repeats`): every day / weekday / weekend / monday / week / month /
  quarter / year, every mon, wed and fri (a list of weekdays, commas optional), every 3 days,
  every other week, every 2 weeks on monday, every month on the 1st, every 1st, every 2nd
  monday / first monday / last friday (a weekday's place in the month, 1st to 5th, first,
  third to fifth or last; not "second", which is as often meant as every other), every last
  day / last day of every month (the month's last day), every saturday in january, every dec
  24, daily, weekly, monthly, yearly; every morning / afternoon / evening / night (daily at
  that part of the day's time); the words the details pane shows for any rule; "every!"
  repeats after completion. Without a date the series starts at its first occurrence from
  now on, or from the day a repeat ends in: "every monday starting jun 10" (a day already
  past: from now on). It ends with "until march 1", or lasts "for 3 weeks" from its first
  day ("every year for 2 weeks", shorter than one step, is how long each one lasts: text).
- Reminders (see `reminders`): remind 10 min before / 1 hour before / 2 days before (an offset
  before the due time), remind when due, remind at 5pm, remind tomorrow 9am, and the short
  @5pm or @fri 9am (a time of its own). Read anywhere but as the first word; "remind mum" and
  "bob@example.com" stay text.

Where it is read (what other quick-add parsers got wrong)
---------------------------------------------------------
Planify read "Mark", "Jane", "Decide" and "paprika" as dates (its #2089, #2110). Vikunja
turned "check money" into Monday (#184), "Renovation - 2nd Floor Bath" into November 2nd
(#2140), "The 5th Wave" into "The Wave" due on the 5th and "The 9/11 Report" into "The Report"
(#2195), and had no way to escape "delete mails up to january 30th" (#2392); donetick read
"monitor" as Monday. Todoist escapes with quotes. People forgive a date not found far more
readily than a title changed behind their back, so:

1. Whole words only, compared case-insensitively; a word with punctuation attached
   ("tomorrow,") is text.
2. Dates, times, repeats and p1-p4 are read at the end of the text: from the last word
   backwards, as long as every word is read (tags, !priorities and escaped words may sit in
   between). Before that only directly after a cue word (on, at, @, by, due, due:), as in
   "meet on friday at 5pm with Bob", and never a repeat, p1-p4 or "on the 5th".
3. Never the first word: something must stay as the title ("Friday" alone is a task called
   Friday, "Tomorrow Never Dies" keeps its name). A text of date words alone stays whole:
   "tomorrow 5pm" is a task called that, not "tomorrow" due today at 17:00.
4. A word before the phrase can say the date is what the task is about, not when it is due:
   the, a, of, to, from, since, until, before, after, for, last, this, next, each, every ...
   ("delete mails up to january 30th", "plan the day after tomorrow", "move it to friday").
5. Names: a capitalised date word followed by another capitalised word is part of a name
   ("Watch Friday Night Lights", "on May 5 Festival"), and so is a weekday after Black, Good,
   Cyber, Blue, Ash ... ("Shop Black Friday").
6. A month needs a day next to it ("May Day party", "in March"); an ordinal alone is not a
   date ("The 5th Wave", "2nd floor"); a bare number is neither a date nor a time
   ("Buy 2 apples", "Room 6"), but an hour right after "at" or "@" at the end of the text is
   ("at 9"; "at 6 shops" stays); "9:30" alone needs a cue or two hour digits ("John 3:16" stays).
   sat, sun and wed alone need a cue ("enjoy the sun", "on sat").
7. One of each kind: when two dates are typed, the rightmost is read and the other stays text.
8. Escapes (see `tokens`): "quoted words" and \\word are literal; the quotes and the backslash
   leave the title, the words stay. `literal()` adds them to one part. Escaped words do not
   end the reading at the end of the text: escaping "at 5pm" in "call tomorrow at 5pm"
   leaves "tomorrow" read.
"""

from __future__ import annotations

from todo_desktop.core.quick_entry.parser import parse
from todo_desktop.core.quick_entry.result import Part, PartKind, QuickEntry
from todo_desktop.core.quick_entry.summary import summary
from todo_desktop.core.quick_entry.tokens import literal

__all__ = ["Part", "PartKind", "QuickEntry", "day_first_for", "literal", "parse", "summary"]


def day_first_for(date_pattern: str) -> bool:
    """Whether a locale's short date pattern ("dd/MM/yyyy", "M/d/yy", "yyyy-MM-dd") puts the
    day before the month, which is how 5/6 is read. Without a day or month in it: day first."""
    day, month = date_pattern.find("d"), date_pattern.find("M")
    if day == -1 or month == -1:
        return True
    return day < month
