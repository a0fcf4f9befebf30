//! The theme's static files as readers get them: read once at start (the theme folder's
//! `static/` first, then the embedded default), compressed once, and addressed by their
//! content (`/static/style.3f2a9c01.css`), so a browser may keep them for a year and a new
//! version is a new address. Templates write `{{ asset("style.css") }}`.

use crate::cache::compress;
use std::path::Path;

pub struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub identity: Vec<u8>,
    pub gzip: Vec<u8>,
    pub brotli: Vec<u8>,
    /// The first hex digits of the content's SHA-256: its address and its validator.
    pub digest: String,
}

impl Asset {
    /// `/static/NAME.DIGEST.EXT`.
    pub fn address(&self) -> String {
        match self.name.rsplit_once('.') {
            Some((stem, extension)) => format!("/static/{stem}.{}.{extension}", self.digest),
            None => format!("/static/{}.{}", self.name, self.digest),
        }
    }
}

/// How a request named an asset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Naming {
    /// By its content's address: the same bytes forever.
    Fingerprinted,
    /// By its plain name (a theme's own template may), or by an address from another
    /// version (a page rendered by a node still running it): the current bytes, briefly.
    Plain,
}

pub struct Assets(Vec<Asset>);

impl Assets {
    pub fn load(
        files: &[(&'static str, &'static str, &'static [u8])],
        theme: Option<&Path>,
    ) -> Assets {
        Assets(
            files
                .iter()
                .map(|(name, content_type, embedded)| {
                    let overridden = theme
                        .and_then(|dir| super::contained_path(&dir.join("static"), name))
                        .and_then(|path| std::fs::read(path).ok());
                    let identity = overridden.unwrap_or_else(|| embedded.to_vec());
                    let (gzip, brotli) = compress(&identity);
                    let digest = crate::security::sha256_hex_bytes(&identity)[..8].to_owned();
                    Asset {
                        name,
                        content_type,
                        identity,
                        gzip,
                        brotli,
                        digest,
                    }
                })
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&Asset> {
        self.0.iter().find(|asset| asset.name == name)
    }

    /// The asset a `/static/` file name asks for, and how it was named.
    pub fn find(&self, file: &str) -> Option<(&Asset, Naming)> {
        if let Some(asset) = self.get(file) {
            return Some((asset, Naming::Plain));
        }
        // NAME.DIGEST.EXT: the digest is the second-to-last dotted part.
        let (rest, extension) = file.rsplit_once('.')?;
        let (stem, digest) = rest.rsplit_once('.')?;
        let asset = self.get(&format!("{stem}.{extension}"))?;
        let naming = if digest == asset.digest {
            Naming::Fingerprinted
        } else {
            Naming::Plain
        };
        Some((asset, naming))
    }
}
