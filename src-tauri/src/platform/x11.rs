//! Linux on X11: the screen's pixels, read from the X server in memory
//! (`GetImage` of the root window), for "Scan the screen".
//!
//! What the root window holds is what the screen shows, other applications'
//! windows included (under a compositing window manager too: X servers
//! answer `GetImage` on the root from the screen's contents). Nothing is
//! written to disk: the reply is the buffer handed to core's QR search.

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt, ImageFormat, ImageOrder};
use zeroize::Zeroizing;

use super::ScreenCapture;

/// The pixels of the default screen of the X server `$DISPLAY` names, as
/// blue, green, red, unused per pixel.
pub(super) fn capture() -> Result<ScreenCapture, String> {
    let (conn, screen_number) = x11rb::connect(None)
        .map_err(|error| format!("Sparekey cannot reach the X server ({error})."))?;
    let setup = conn.setup();
    let screen = setup
        .roots
        .get(screen_number)
        .ok_or("The X server did not describe its screen.")?;
    let (width, height) = (screen.width_in_pixels, screen.height_in_pixels);
    // Core refuses a larger screen anyway; this keeps the reply from being
    // asked for at all.
    let pixels = u64::from(width) * u64::from(height);
    if pixels > sparekey_core::qr::MAX_PIXELS {
        return Err(format!(
            "The screen is {width}×{height} pixels, more than Sparekey searches: take a \
             screenshot of the QR code and choose it instead."
        ));
    }
    let failed = |error: &dyn std::fmt::Display| format!("Reading the screen failed ({error}).");
    let reply = conn
        .get_image(
            ImageFormat::Z_PIXMAP,
            screen.root,
            0,
            0,
            width,
            height,
            u32::MAX,
        )
        .map_err(|error| failed(&error))?
        .reply()
        .map_err(|error| failed(&error))?;
    let mut data = Zeroizing::new(reply.data);
    let bits_per_pixel = setup
        .pixmap_formats
        .iter()
        .find(|format| format.depth == reply.depth)
        .map(|format| format.bits_per_pixel);
    if !matches!(reply.depth, 24 | 32) || bits_per_pixel != Some(32) {
        return Err(format!(
            "The screen has {}-bit colour, which Sparekey cannot read yet: take a screenshot \
             of the QR code and choose it instead.",
            reply.depth
        ));
    }
    if setup.image_byte_order == ImageOrder::MSB_FIRST {
        // Unused, red, green, blue: turned around.
        for pixel in data.chunks_exact_mut(4) {
            pixel.reverse();
        }
    }
    Ok(ScreenCapture::Pixels {
        width: u32::from(width),
        height: u32::from(height),
        bgrx: data,
    })
}

/// Whether an XEmbed system tray runs on the default screen (someone owns
/// the `_NET_SYSTEM_TRAY_S<n>` selection).
pub(super) fn system_tray() -> bool {
    let Ok((conn, screen_number)) = x11rb::connect(None) else {
        return false;
    };
    let name = format!("_NET_SYSTEM_TRAY_S{screen_number}");
    let Ok(Ok(atom)) = conn
        .intern_atom(true, name.as_bytes())
        .map(|cookie| cookie.reply())
    else {
        return false;
    };
    if atom.atom == x11rb::NONE {
        return false;
    }
    matches!(
        conn.get_selection_owner(atom.atom).map(|cookie| cookie.reply()),
        Ok(Ok(owner)) if owner.owner != x11rb::NONE
    )
}
