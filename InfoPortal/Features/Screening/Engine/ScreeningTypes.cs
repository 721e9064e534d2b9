namespace InfoPortal.Features.Screening.Engine;

/// <summary>How serious a hit is: a warning needs a reviewer's acknowledgement, a block refuses the item.</summary>
public enum ScreeningLevel
{
    Warn = 1,
    Block = 2,
}

/// <summary>
/// What a list entry asks to be matched besides its own text (issue 15, ADR 0056). Off by default:
/// a disguise by sound is a warning, and most terms would give false alarms if every one asked.
/// </summary>
[Flags]
public enum TermVariants
{
    None = 0,

    /// <summary>Its pinyin: whole (falungong), initials for three characters or more (flg), or one character written in pinyin (法lun功).</summary>
    Pinyin = 1,

    /// <summary>One character replaced by a common character of the same sound (发轮功).</summary>
    Homophones = 2,
}

/// <summary>How a hit matched its term: as written, or by one of the sound variants the term asked for.</summary>
public enum SoundVariant
{
    None = 0,
    Pinyin = 1,
    Initials = 2,
    Homophone = 3,
}

/// <summary>One entry of a word list, as the secrecy officer wrote it.</summary>
public sealed record ScreeningTerm(string Text, string Category, ScreeningLevel Level, TermVariants Variants = TermVariants.None);

/// <summary>
/// A match. <see cref="Start"/> and <see cref="Length"/> index the ORIGINAL text (UTF-16 code units),
/// so noise skipped inside the match (机·密) is part of the span and the UI can highlight it as typed.
/// For detectors <see cref="Term"/> names the detector (e.g. "MainlandId") rather than a list entry.
/// <see cref="Variant"/> says when the text matched the term by sound (its pinyin or a homophone);
/// such hits are always warnings.
/// </summary>
public readonly record struct Hit(int Start, int Length, string Term, string Category, ScreeningLevel Level, SoundVariant Variant = SoundVariant.None);
