namespace InfoPortal.Features.Screening.Engine;

/// <summary>
/// The sound variants of a list entry that asks for them (issue 15, ADR 0056): its whole pinyin, its
/// initials, one character written in pinyin, and one character replaced by a common character of
/// the same (toneless) sound. The syllables come from pinyin-match's dictionary (MIT,
/// <c>Data/PinyinSimplified.txt</c>), read once. Variants are generated from the normalised term, so
/// a term written in traditional characters expands like its simplified form. Only one character is
/// ever replaced: two replacements multiply the forms and the false alarms without catching what
/// readers actually write.
/// </summary>
public static class SoundAlike
{
    /// <summary>How many same-sound characters per syllable stand in for a character: the most common ones, which are what disguises use.</summary>
    public const int HomophonesPerSyllable = 40;

    /// <summary>Most forms one entry expands to (a 100-character entry asking for homophones would otherwise give thousands).</summary>
    public const int MaxFormsPerTerm = 1000;

    /// <summary>
    /// Most forms all entries together expand to. The 保密员 cannot go past it (the change is refused,
    /// Screening.Lists.TooManyVariants); the engine stops adding forms there if the table was changed by
    /// hand, so a list of 50,000 entries all asking for homophones cannot take the memory of the server.
    /// </summary>
    public const int MaxForms = 200_000;

    /// <summary>Most readings combined for the whole pinyin of an entry of polyphones (行长: xingzhang, hangzhang, …).</summary>
    private const int MaxWholeReadings = 8;

    private static readonly (Dictionary<char, string[]> Readings, Dictionary<string, string> Characters) Table = Read();

    /// <summary>The toneless syllables of a (simplified) character (a polyphone has several); empty for anything else.</summary>
    public static IReadOnlyList<string> ReadingsOf(char c) => Table.Readings.TryGetValue(c, out var r) ? r : [];

    /// <summary>
    /// The forms of <paramref name="norm"/> (a normalised term) that <paramref name="variants"/> asks
    /// for, each with how it was formed; the term itself is not among them. Entries of one character
    /// have none (its pinyin or its homophones would match everywhere).
    /// </summary>
    public static IReadOnlyList<(string Form, SoundVariant Kind)> Expand(string norm, TermVariants variants)
    {
        ArgumentNullException.ThrowIfNull(norm);
        var forms = new List<(string, SoundVariant)>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { norm };
        var readings = norm.Select(c => ReadingsOf(c)).ToArray();
        if (norm.Length < 2 || readings.All(r => r.Count == 0))
        {
            return forms;
        }

        void Add(string form, SoundVariant kind)
        {
            if (forms.Count < MaxFormsPerTerm && seen.Add(form))
            {
                forms.Add((form, kind));
            }
        }

        if (variants.HasFlag(TermVariants.Pinyin))
        {
            foreach (var whole in Combine(norm, readings, initials: false))
            {
                Add(whole, SoundVariant.Pinyin);
            }

            // Initials of two characters (zg, xj) are ordinary abbreviations; from three on (flg) they name something.
            if (norm.Length >= 3)
            {
                foreach (var abbreviation in Combine(norm, readings, initials: true))
                {
                    Add(abbreviation, SoundVariant.Initials);
                }
            }

            for (var i = 0; i < norm.Length; i++)
            {
                foreach (var syllable in readings[i])
                {
                    Add(string.Concat(norm.AsSpan(0, i), syllable, norm.AsSpan(i + 1)), SoundVariant.Pinyin);
                }
            }
        }

        if (variants.HasFlag(TermVariants.Homophones))
        {
            for (var i = 0; i < norm.Length; i++)
            {
                foreach (var syllable in readings[i])
                {
                    var characters = Table.Characters[syllable];
                    for (var k = 0; k < Math.Min(characters.Length, HomophonesPerSyllable); k++)
                    {
                        if (characters[k] != norm[i])
                        {
                            Add(string.Create(norm.Length, (norm, i, characters[k]), static (span, s) =>
                            {
                                s.norm.AsSpan().CopyTo(span);
                                span[s.i] = s.Item3;
                            }), SoundVariant.Homophone);
                        }
                    }
                }
            }
        }

        return forms;
    }

    /// <summary>Every whole reading (or its initials) of the term, up to <see cref="MaxWholeReadings"/>; characters without a reading stay as written.</summary>
    private static List<string> Combine(string norm, IReadOnlyList<string>[] readings, bool initials)
    {
        var partial = new List<string> { "" };
        for (var i = 0; i < norm.Length; i++)
        {
            var options = readings[i].Count == 0 ? [norm[i].ToString()]
                : readings[i].Select(r => initials ? r[..1] : r).Distinct(StringComparer.Ordinal).ToArray();
            partial = [.. partial.SelectMany(p => options.Select(o => p + o)).Take(MaxWholeReadings)];
        }

        return partial;
    }

    private static (Dictionary<char, string[]>, Dictionary<string, string>) Read()
    {
        using var stream = typeof(SoundAlike).Assembly.GetManifestResourceStream("InfoPortal.Screening.PinyinSimplified.txt")
            ?? throw new InvalidOperationException("The pinyin table is not embedded.");
        using var reader = new StreamReader(stream);
        var characters = new Dictionary<string, string>(StringComparer.Ordinal);
        var readings = new Dictionary<char, List<string>>();
        while (reader.ReadLine() is { } line)
        {
            var parts = line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
            if (line.StartsWith('#') || parts.Length != 2)
            {
                continue;
            }

            characters[parts[0]] = parts[1];
            foreach (var c in parts[1])
            {
                if (!readings.TryGetValue(c, out var list))
                {
                    readings[c] = list = [];
                }

                list.Add(parts[0]);
            }
        }

        return (readings.ToDictionary(p => p.Key, p => p.Value.ToArray()), characters);
    }
}
