"""A first Mandi client with gql: sign in, page through orders with cursors, adjust stock.

    make run                                   # in one terminal: the API with demo data
    .venv/bin/python examples/client.py        # in another (gql comes with the dev tools)

Options: --url (default http://127.0.0.1:8000/graphql), --username, --password (default the
demo manager). The session lives in a cookie, which the HTTP client keeps between requests;
every request carries X-Requested-With, which tells Mandi it is not a cross-site form post.
"""

from __future__ import annotations

import argparse
import uuid

from gql import Client, GraphQLRequest, gql
from gql.transport.httpx import HTTPXTransport

SIGN_IN = gql("""
mutation SignIn($username: String!, $password: String!) {
  sessionCreate(input: {username: $username, password: $password}) {
    user { username } mfaRequired errors { code message }
  }
}""")

ORDERS = gql("""
query Orders($after: String) {
  orders(first: 5, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id externalOrderId status total } }
  }
}""")

FIRST_STOCK = gql("""
query FirstStock {
  products(first: 1) { edges { node { id sku stock { onHand warehouse { id code } } } } }
}""")

RECEIVE = gql("""
mutation Receive($productId: ID!, $warehouseId: ID!, $key: String!) {
  stockAdjust(input: {productId: $productId, warehouseId: $warehouseId, delta: 1,
                      reason: RECEIPT, note: "example client", idempotencyKey: $key}) {
    stock { onHand } replayed errors { code field message }
  }
}""")


def run(session, request: GraphQLRequest, **variables) -> dict:
    return session.execute(GraphQLRequest(request, variable_values=variables or None))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000/graphql")
    parser.add_argument("--username", default="manager")
    parser.add_argument("--password", default="mandi-demo-only")
    args = parser.parse_args()

    transport = HTTPXTransport(url=args.url, headers={"X-Requested-With": "mandi-example"})
    with Client(transport=transport) as session:
        # 1. Sign in: expected failures come back in `errors`, not as GraphQL errors.
        signed_in = run(session, SIGN_IN, username=args.username, password=args.password)
        payload = signed_in["sessionCreate"]
        if payload["errors"] or payload["mfaRequired"]:
            raise SystemExit(f"sign-in failed: {payload['errors'] or 'a second factor is needed'}")
        print(f"signed in as {payload['user']['username']}")

        # 2. Page through every order: pass the last page's endCursor as `after`.
        seen, after, pages = [], None, 0
        while True:
            page = run(session, ORDERS, after=after)["orders"]
            pages += 1
            for edge in page["edges"]:
                order = edge["node"]
                seen.append(order["id"])
                print(f"  {order['externalOrderId']}  {order['status']:<10} {order['total']}")
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        print(f"{len(seen)} of {page['totalCount']} orders in {pages} pages")

        # 3. A mutation: receive one unit of the first product into its first warehouse. The
        #    idempotency key makes a retry (after a timeout, say) apply once.
        product = run(session, FIRST_STOCK)["products"]["edges"][0]["node"]
        level = product["stock"][0]
        ids = {"productId": product["id"], "warehouseId": level["warehouse"]["id"]}
        key = f"example-{uuid.uuid4().hex}"
        first = run(session, RECEIVE, **ids, key=key)["stockAdjust"]
        if first["errors"]:
            raise SystemExit(f"stockAdjust failed: {first['errors']}")
        retry = run(session, RECEIVE, **ids, key=key)["stockAdjust"]
        where = f"{product['sku']} in {level['warehouse']['code']}"
        print(f"received 1 of {where}: {level['onHand']} -> {first['stock']['onHand']}")
        again = retry["stock"]["onHand"]
        print(f"retried with the same key: replayed={retry['replayed']}, {again}")


if __name__ == "__main__":
    main()
