//! Paginators: follow NextToken through every page of a listing.

use crate::client::{Core, SdkError};
use crate::operation::Operation;
use futures_core::Stream;
use std::collections::HashSet;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A stream of pages or items: `Unpin`, so `while let Some(x) =
/// stream.next().await` works as written (the inherent [`Pages::next`]
/// needs no import; with `futures_util::StreamExt` every combinator works
/// too).
pub struct Pages<T> {
    inner: Pin<Box<dyn Stream<Item = T> + Send>>,
}

impl<T> Pages<T> {
    fn new(stream: impl Stream<Item = T> + Send + 'static) -> Self {
        Self {
            inner: Box::pin(stream),
        }
    }

    /// The next page or item, `None` after the last.
    pub async fn next(&mut self) -> Option<T> {
        std::future::poll_fn(|cx| self.inner.as_mut().poll_next(cx)).await
    }
}

impl<T> Stream for Pages<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<T> std::fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages").finish_non_exhaustive()
    }
}

/// Implemented by generated requests of paginated operations.
pub trait Paginated: Operation {
    /// One entry of a page (a listener, an ACL, ...).
    type Item: Send + 'static;
    /// Sets the request's page-token parameter (the spec's
    /// `pagination.input_token`, `NextToken`).
    fn set_page_token(&mut self, token: Option<String>);
    /// Sets the request's page-size parameter (`pagination.page_size`,
    /// `MaxResults`).
    fn set_page_size(&mut self, size: i32);
    /// The token of the next page (`pagination.output_token`); `None` or
    /// empty on the last page.
    fn next_page_token(output: &Self::Output) -> Option<&str>;
    /// The page's entries (`pagination.items`), in order.
    fn into_items(output: Self::Output) -> Vec<Self::Item>;
}

/// Pages of a listing, fetched lazily.
#[derive(Debug, Clone)]
pub struct Paginator<O: Paginated> {
    core: Core,
    request: O,
}

struct State<O: Paginated> {
    core: Core,
    request: O,
    seen: HashSet<String>,
    done: bool,
}

impl<O: Paginated> Paginator<O> {
    /// Pages of `request`, starting from its page token (usually none: the
    /// first page). Nothing is sent until pages are asked for.
    pub fn new(core: Core, request: O) -> Self {
        Self { core, request }
    }

    /// Items per page (the operation's page size parameter).
    pub fn page_size(mut self, size: i32) -> Self {
        self.request.set_page_size(size);
        self
    }

    /// A stream of pages. It stops after a page with an empty or missing
    /// token, and fails (instead of looping) on a token seen before.
    pub fn pages(self) -> Pages<Result<O::Output, SdkError<O::Error>>> {
        Pages::new(self.page_stream())
    }

    fn page_stream(self) -> impl Stream<Item = Result<O::Output, SdkError<O::Error>>> + Send {
        let state = State {
            core: self.core,
            request: self.request,
            seen: HashSet::new(),
            done: false,
        };
        futures_util::stream::unfold(state, |mut st| async move {
            if st.done {
                return None;
            }
            let result = st.core.send(st.request.clone()).await;
            match result {
                Err(e) => {
                    st.done = true;
                    Some((Err(e), st))
                }
                Ok(page) => {
                    match O::next_page_token(&page)
                        .filter(|t| !t.is_empty())
                        .map(str::to_string)
                    {
                        None => st.done = true,
                        Some(token) => {
                            if !st.seen.insert(token.clone()) {
                                st.done = true;
                                return Some((
                                    Err(SdkError::PaginationLoop {
                                        operation: O::META.name,
                                        token,
                                    }),
                                    st,
                                ));
                            }
                            st.request.set_page_token(Some(token));
                        }
                    }
                    Some((Ok(page), st))
                }
            }
        })
    }

    /// Every item of every page, in order, in one call; the first error
    /// ends it.
    pub async fn try_collect(self) -> Result<Vec<O::Item>, SdkError<O::Error>> {
        let mut out = Vec::new();
        let mut pages = self.pages();
        while let Some(page) = pages.next().await {
            out.extend(O::into_items(page?));
        }
        Ok(out)
    }

    /// A stream of the items of every page, in order.
    pub fn items(self) -> Pages<Result<O::Item, SdkError<O::Error>>> {
        use futures_util::StreamExt;
        Pages::new(self.page_stream().flat_map(|page| {
            let items: Vec<Result<O::Item, SdkError<O::Error>>> = match page {
                Ok(p) => O::into_items(p).into_iter().map(Ok).collect(),
                Err(e) => vec![Err(e)],
            };
            futures_util::stream::iter(items)
        }))
    }
}
