"""The upload handler that caps a file's bytes while the request is read.

Django's own handlers store every byte (in memory, then in a temporary file)
and leave the limit to the web server. This one owns each file part: it spools
to a temporary file until the part passes ``NEWSROOM_IMAGE_MAX_UPLOAD_BYTES``,
then deletes what it wrote and discards the rest of that part unstored. The
form still gets a stand-in file, so the refusal is a form error naming the
limit (``articles.photos.validators.validate_upload_size``), and the request's other
fields are parsed as usual.
"""

import io
import logging
import os

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers

logger = logging.getLogger(__name__)


class RefusedUpload(UploadedFile):
    """Stands in for a file part that passed the byte limit; it holds no data."""

    refused_for_size = True

    def __init__(self, name, content_type, size_seen, charset=None):
        super().__init__(io.BytesIO(), name, content_type, size_seen, charset)


class SizeLimitedUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.limit = settings.NEWSROOM_IMAGE_MAX_UPLOAD_BYTES
        self.bytes_seen = 0
        self.refused = False
        self.file = TemporaryUploadedFile(
            self.file_name, self.content_type, 0, self.charset, self.content_type_extra
        )
        # This handler stores the part itself; Django's handlers never see it.
        raise StopFutureHandlers

    def receive_data_chunk(self, raw_data, start):
        self.bytes_seen += len(raw_data)
        if self.refused:
            return None
        if self.bytes_seen > self.limit:
            self._discard()
            self.refused = True
            logger.warning(
                "upload refused: %r passed %s bytes", self.file_name, self.limit
            )
            return None
        self.file.write(raw_data)
        return None

    def file_complete(self, file_size):
        if self.refused:
            return RefusedUpload(
                self.file_name, self.content_type, self.bytes_seen, self.charset
            )
        self.file.seek(0)
        self.file.size = file_size
        return self.file

    def upload_interrupted(self):
        self._discard()

    def _discard(self) -> None:
        """Close and delete the temporary file, and forget it (the parser closes
        whatever ``file`` a handler still holds)."""
        if not hasattr(self, "file"):
            return
        path = self.file.temporary_file_path()
        self.file.close()
        try:
            os.remove(path)
        except FileNotFoundError:
            pass
        del self.file
