namespace InfoPortal.Features.Screening.Engine;

/// <summary>How serious a hit is: a warning needs a reviewer's acknowledgement, a block refuses the item.</summary>
public enum ScreeningLevel
{
    Warn = 1,
    Block = 2,
}

/// <summary>One entry of a word list, as the secrecy officer wrote it.</summary>
public sealed record ScreeningTerm(string Text, string Category, ScreeningLevel Level);

/// <summary>
/// A match. <see cref="Start"/> and <see cref="Length"/> index the ORIGINAL text (UTF-16 code units),
/// so noise skipped inside the match (机·密) is part of the span and the UI can highlight it as typed.
/// For detectors <see cref="Term"/> names the detector (e.g. "MainlandId") rather than a list entry.
/// </summary>
public readonly record struct Hit(int Start, int Length, string Term, string Category, ScreeningLevel Level);
