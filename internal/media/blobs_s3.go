package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// s3Blobs keeps the files in an S3-compatible bucket, under a prefix, so
// that every node of a cluster reads and writes the same library.
type s3Blobs struct {
	client   *minio.Client
	endpoint string
	bucket   string
	prefix   string
}

// NewS3Blobs returns a store in bucket under prefix ("" or "dir/"), and
// checks that the bucket exists and the credentials open it.
func NewS3Blobs(ctx context.Context, c S3Config, bucket, prefix string) (Blobs, error) {
	u, err := url.Parse(c.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return nil, fmt.Errorf("media: S3 endpoint %q: want http(s)://host[:port]", c.Endpoint)
	}
	if c.AccessKey == "" || c.SecretKey == "" {
		return nil, errors.New("media: S3 needs COOPRESS_S3_ACCESS_KEY and COOPRESS_S3_SECRET_KEY")
	}
	region := c.Region
	if region == "" {
		region = "us-east-1"
	}
	client, err := minio.New(u.Host, &minio.Options{Creds: credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""),
		Secure: u.Scheme == "https", Region: region})
	if err != nil {
		return nil, fmt.Errorf("media: S3 client for %s: %w", u.Host, err)
	}
	b := &s3Blobs{client: client, endpoint: u.Scheme + "://" + u.Host, bucket: bucket, prefix: prefix}
	ok, err := client.BucketExists(ctx, bucket)
	if err != nil {
		return nil, fmt.Errorf("media: reach %s: %w", b, err)
	}
	if !ok {
		return nil, fmt.Errorf("media: %s: the bucket does not exist; create it first", b)
	}
	return b, nil
}

func (b *s3Blobs) String() string { return "s3://" + b.bucket + "/" + b.prefix + " at " + b.endpoint }

// Put asks first whether the object is there: names are content, so an
// object that exists is already right, and an upload of a known image
// costs one HEAD per file. An S3 PUT is all or nothing, so readers never
// see half an object.
func (b *s3Blobs) Put(ctx context.Context, name string, data []byte) (bool, error) {
	key := b.prefix + name
	if _, err := b.client.StatObject(ctx, b.bucket, key, minio.StatObjectOptions{}); err == nil {
		return false, nil
	} else if !notFound(err) {
		return false, fmt.Errorf("media: look for %s in %s: %w", name, b, err)
	}
	_, err := b.client.PutObject(ctx, b.bucket, key, bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{
		ContentType: contentTypeOf(name), CacheControl: "public, max-age=31536000, immutable", DisableMultipart: true})
	if err != nil {
		return false, fmt.Errorf("media: write %s to %s: %w", name, b, err)
	}
	return true, nil
}

func (b *s3Blobs) Open(ctx context.Context, name string) (Object, error) {
	obj, err := b.client.GetObject(ctx, b.bucket, b.prefix+name, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("media: open %s in %s: %w", name, b, err)
	}
	st, err := obj.Stat()
	if err != nil {
		obj.Close()
		if notFound(err) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("media: open %s in %s: %w", name, b, err)
	}
	return s3Object{Object: obj, st: st}, nil
}

func (b *s3Blobs) Delete(ctx context.Context, name string) error {
	if err := b.client.RemoveObject(ctx, b.bucket, b.prefix+name, minio.RemoveObjectOptions{}); err != nil && !notFound(err) {
		return fmt.Errorf("media: delete %s in %s: %w", name, b, err)
	}
	return nil
}

func (b *s3Blobs) Walk(ctx context.Context, fn func(name string, size int64) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing if fn gives up early
	for o := range b.client.ListObjects(ctx, b.bucket, minio.ListObjectsOptions{Prefix: b.prefix, Recursive: true}) {
		if o.Err != nil {
			return fmt.Errorf("media: list %s: %w", b, o.Err)
		}
		if err := fn(o.Key[len(b.prefix):], o.Size); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// notFound reports whether err is S3's "no such key".
func notFound(err error) bool {
	code := minio.ToErrorResponse(err).Code
	return code == minio.NoSuchKey || code == "NotFound"
}

// s3Object is an object being read from S3.
type s3Object struct {
	*minio.Object
	st minio.ObjectInfo
}

func (o s3Object) Size() int64        { return o.st.Size }
func (o s3Object) ModTime() time.Time { return o.st.LastModified }
