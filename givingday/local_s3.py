"""A local S3-compatible endpoint (moto's server mode) on a free port, with one bucket: the
object store of the tests and of `chaos`, on one machine, with nothing to install by hand.

    with local_s3("givingday-test") as s3:
        s3.env   # AWS_* settings a process needs to reach it (s3.url)
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass

from givingday.browser import free_port, stop

KEY_ID, SECRET, REGION = "test-key", "test-secret-never-logged", "us-east-1"


@dataclass(frozen=True)
class LocalS3:
    host: str
    port: int
    bucket: str

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def env(self, url: str | None = None) -> dict[str, str]:
        """The AWS_* settings to reach the bucket at `url` (default: the server itself)."""
        return {"AWS_ENDPOINT_URL": url or self.url, "AWS_ACCESS_KEY_ID": KEY_ID,
                "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_REGION": REGION}


@contextlib.contextmanager
def local_s3(bucket: str, host: str = "127.0.0.1", start_within_s: float = 30):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", host, "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        s3 = LocalS3(host, port, bucket)
        deadline = time.monotonic() + start_within_s
        while True:
            try:
                urllib.request.urlopen(f"{s3.url}/moto-api/", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("moto's S3 server did not start") from None
                time.sleep(0.2)
        import boto3

        boto3.client("s3", endpoint_url=s3.url, aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET,
                     region_name=REGION).create_bucket(Bucket=bucket)
        yield s3
    finally:
        stop(server)
