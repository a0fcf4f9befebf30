"""An aiosmtpd handler that holds each message's answer until the test lets it go, so that
a test can stop the site while a message is being handed over.

Once a message's data has arrived it writes a file named `arriving` beside the Maildir,
then waits for a file named `release` there (a minute at most) before it stores the
message and answers. Run as `python3 -m aiosmtpd -c slow_smtp.SlowMailbox MAILDIR` with
this folder on PYTHONPATH.
"""

import asyncio
import pathlib

from aiosmtpd.handlers import Mailbox


class SlowMailbox(Mailbox):
    async def handle_DATA(self, server, session, envelope):
        folder = pathlib.Path(self.mail_dir).parent
        (folder / "arriving").touch()
        for _ in range(3000):
            if (folder / "release").exists():
                break
            await asyncio.sleep(0.02)
        return await super().handle_DATA(server, session, envelope)
