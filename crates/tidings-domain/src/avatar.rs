//! Avatars drawn from a digest, as SVG: a symmetric 5×5 pattern in one colour, like the
//! identicons readers know from other sites, but made here. The caller derives the digest
//! from the commenter's email with a keyed hash under a secret of the site, so neither the
//! page nor the image reveals anything that could be matched against the email elsewhere.

/// An identicon for `digest` (at least 16 bytes; shorter digests draw an empty grid).
pub fn identicon_svg(digest: &[u8]) -> String {
    let byte = |index: usize| digest.get(index).copied().unwrap_or(0);
    let hue = u16::from_be_bytes([byte(0), byte(1)]) % 360;
    let saturation = 45 + byte(2) % 30;
    let lightness = 40 + byte(3) % 20;
    let mut cells = String::new();
    // Columns 0–2 are drawn from bits; 3 and 4 mirror 1 and 0.
    for row in 0..5u32 {
        for column in 0..3u32 {
            let bit = row * 3 + column;
            let on = byte(4 + (bit / 8) as usize) >> (bit % 8) & 1 == 1;
            if !on {
                continue;
            }
            for x in [column, 4 - column] {
                cells.push_str(&format!(
                    "<rect x=\"{}\" y=\"{}\" width=\"1\" height=\"1\"/>",
                    x + 1,
                    row + 1
                ));
                if column == 2 {
                    break;
                }
            }
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 7 7\" width=\"56\" height=\"56\" \
         shape-rendering=\"crispEdges\"><rect width=\"7\" height=\"7\" fill=\"#f0f0f0\"/>\
         <g fill=\"hsl({hue},{saturation}%,{lightness}%)\">{cells}</g></svg>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_digest_draws_the_same_picture_and_others_differ() {
        let one = identicon_svg(&[7; 32]);
        assert_eq!(one, identicon_svg(&[7; 32]));
        assert_ne!(one, identicon_svg(&[8; 32]));
        assert!(one.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(one.contains("<rect x="), "{one}");
    }

    #[test]
    fn the_pattern_is_mirrored() {
        let svg = identicon_svg(&[0, 0, 0, 0, 0b0000_0001, 0, 0, 0]);
        // Bit 0 is row 0, column 0: drawn at x 1 and mirrored at x 5.
        assert!(svg.contains("<rect x=\"1\" y=\"1\""), "{svg}");
        assert!(svg.contains("<rect x=\"5\" y=\"1\""), "{svg}");
        assert_eq!(svg.matches("<rect x=").count(), 2);
    }
}
