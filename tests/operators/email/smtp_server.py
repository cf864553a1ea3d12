#!/usr/bin/python3
"""An SMTP server for the sink.email tests (aiosmtpd), on 127.0.0.1.

Saves every message it accepts to OUT_DIR as <ns>-<pid>-<n>.json (names sort in
arrival order, also across restarts): {"mail_from",
"rcpt_tos", "data"} (data: the message text as received, UTF-8). Written to
a temporary name and renamed, so a reader never sees half a file.

Recipients steer the server: a local part starting with "bad" is refused
for good (550), with "busy" for now (451).

  smtp_server.py --port P --dir OUT_DIR [--tls none|starttls|implicit
      --cert CRT --key KEY] [--user U --password PW]
"""

import argparse
import asyncio
import itertools
import json
import os
import ssl
import time

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class SavingHandler:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.numbers = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("bad"):
            return "550 5.1.1 <%s>: no such user" % address
        if local.startswith("busy"):
            return "451 4.3.0 <%s>: try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        n = next(self.numbers)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "data": envelope.original_content.decode("utf-8", "replace"),
        }
        name = "%020d-%d-%06d.json" % (time.time_ns(), os.getpid(), n)
        path = os.path.join(self.out_dir, name)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.rename(path + ".tmp", path)
        return "250 Message accepted for delivery"


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--port", type=int, required=True)
    a.add_argument("--dir", required=True)
    a.add_argument("--tls", default="none", choices=["none", "starttls", "implicit"])
    a.add_argument("--cert")
    a.add_argument("--key")
    a.add_argument("--user")
    a.add_argument("--password")
    args = a.parse_args()

    context = None
    if args.tls != "none":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login.decode() == args.user
              and auth_data.password.decode() == args.password)
        return AuthResult(success=ok, handled=False)  # False: the server answers 535

    handler = SavingHandler(args.dir)

    def factory():
        kwargs = {"hostname": "localhost", "enable_SMTPUTF8": True}
        if args.tls == "starttls":
            kwargs.update(tls_context=context, require_starttls=True)
        if args.user:
            # Over implicit TLS the transport is encrypted already.
            kwargs.update(authenticator=authenticator, auth_required=True,
                          auth_require_tls=args.tls == "starttls")
        return SMTP(handler, **kwargs)

    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(
        factory, host="127.0.0.1", port=args.port,
        ssl=context if args.tls == "implicit" else None))
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    main()
