using Agora.GraphQL.Backends;
using Agora.GraphQL.Execution;
using GraphQL;
using GraphQL.Types;

namespace Agora.GraphQL.Schema;

/// <summary><c>OrderStatus</c>: Ordering's statuses.</summary>
internal sealed class OrderStatusType : EnumerationGraphType
{
    public OrderStatusType()
    {
        Name = "OrderStatus";
        Description = "Where an order is in its life.";
        Add("PENDING", "pending", "Placed; stock is being reserved.");
        Add("PAYMENT_PENDING", "payment_pending", "Waiting for the payment provider.");
        Add("PAID", "paid", "Payment authorized.");
        Add("CONFIRMED", "confirmed", "Paid, stock committed and shipment booked.");
        Add("SHIPPED", "shipped", "Handed to the carrier.");
        Add("DELIVERED", "delivered", "Delivered.");
        Add("CANCELLING", "cancelling", "Being cancelled: what was done is being undone.");
        Add("CANCELLED", "cancelled", "Cancelled.");
        Add("FAILED", "failed", "Could not be completed nor fully undone; staff look at it.");
    }
}

/// <summary><c>OrderItem</c>.</summary>
internal sealed class OrderItemType : ObjectGraphType<OrderItemModel>
{
    public OrderItemType()
    {
        Name = "OrderItem";
        Description = "One line of an order, priced when the order was placed.";
        Field<NonNullGraphType<IdGraphType>>("productId").Resolve(c => c.Source.ProductId);
        Field<NonNullGraphType<StringGraphType>>("sku").Resolve(c => c.Source.Sku);
        Field<NonNullGraphType<StringGraphType>>("name").Description("The product's name when ordered.").Resolve(c => c.Source.Name);
        Field<NonNullGraphType<IntGraphType>>("quantity").Resolve(c => c.Source.Quantity);
        Field<NonNullGraphType<MoneyType>>("unitPrice").Resolve(c => c.Source.UnitPrice);
        Field<NonNullGraphType<MoneyType>>("subtotal").Resolve(c => c.Source.Subtotal);
        Field<ProductType>("product").BackendCall().Description("The product as the catalogue has it now (batched by id); null if it was deleted.")
            .Resolve(c => c.Loaders().Products.Load(c.Source.ProductId));
    }
}

/// <summary><c>Order</c> (guide §2.3).</summary>
internal sealed class OrderType : ObjectGraphType<OrderModel>
{
    public OrderType()
    {
        Name = "Order";
        Description = "An order (Ordering).";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<FloatGraphType>>("total")
            .Description("The total in the currency's major unit, for display (guide §2.3); use totalMoney for arithmetic.")
            .Resolve(c => double.Parse(c.Source.Total.Amount, System.Globalization.CultureInfo.InvariantCulture));
        Field<NonNullGraphType<OrderStatusType>>("status").Resolve(c => c.Source.Status);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<OrderItemType>>>>("items")
            .WithComplexityImpact(c => Resolving.ListImpact(c, expected: 5))
            .Resolve(c => c.Source.Items);
        Field<NonNullGraphType<MoneyType>>("totalMoney").Description("The exact total with its currency.").Resolve(c => c.Source.Total);
        Field<NonNullGraphType<IdGraphType>>("customerId").Resolve(c => c.Source.CustomerId);
        Field<NonNullGraphType<DateTimeGraphType>>("placedAt").Resolve(c => c.Source.PlacedAt.UtcDateTime);
        Field<NonNullGraphType<DateTimeGraphType>>("updatedAt").Resolve(c => c.Source.UpdatedAt.UtcDateTime);
    }
}

/// <summary><c>User</c> (guide §2.3).</summary>
internal sealed class UserType : ObjectGraphType<UserModel>
{
    public UserType()
    {
        Name = "User";
        Description = "An account (Identity).";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<StringGraphType>>("name").Resolve(c => c.Source.Name);
        Field<NonNullGraphType<StringGraphType>>("email").Resolve(c => c.Source.Email);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<OrderType>>>>("orders").BackendCall()
            .Description("The user's newest orders, newest first (the caller's token needs read:orders; customers see only their own). "
                + "Batched: one Ordering call for up to 100 users.")
            .Argument<IntGraphType>("limit", a => { a.DefaultValue = Resolving.DefaultLimit; a.Description = "Orders to return, 1–100. Default 20."; })
            .WithComplexityImpact(c => Resolving.ListImpact(c))
            .Resolve(c =>
            {
                var limit = c.Limit();
                var userId = c.Source.Id;
                return new Loading.MappedResult<IReadOnlyList<OrderModel>?, IReadOnlyList<OrderModel>>(c.Loaders().OrdersOf(userId, limit),
                    orders => orders ?? throw new BackendException(GraphQLErrorCodes.NotFound, "These orders are not yours to see.", OrderingBackend.Service, 404));
            });
        Field<StringGraphType>("status").Description("active or suspended.").Resolve(c => c.Source.Status);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("roles").Resolve(c => c.Source.Roles ?? []);
        Field<StringGraphType>("locale").Description("BCP 47 language tag.").Resolve(c => c.Source.Locale);
        Field<BooleanGraphType>("marketingOptIn").Resolve(c => c.Source.MarketingOptIn);
        Field<NonNullGraphType<DateTimeGraphType>>("createdAt").Resolve(c => c.Source.CreatedAt.UtcDateTime);
    }
}

/// <summary><c>CreateUserInput</c>.</summary>
internal sealed class CreateUserInputType : InputObjectGraphType<CreateUserInput>
{
    public CreateUserInputType()
    {
        Name = "CreateUserInput";
        Description = "A new account. With a password anyone may open one (registration); without, only a service token with write:users.";
        Field<NonNullGraphType<StringGraphType>>("name");
        Field<NonNullGraphType<StringGraphType>>("email");
        Field<StringGraphType>("password").Description("10–128 characters, not a common one, not the email.");
        Field<StringGraphType>("locale");
        Field<BooleanGraphType>("marketingOptIn");
    }
}

/// <summary><c>UpdateUserInput</c>.</summary>
internal sealed class UpdateUserInputType : InputObjectGraphType<UpdateUserInput>
{
    public UpdateUserInputType()
    {
        Name = "UpdateUserInput";
        Description = "Fields to change; the ones left out stay as they are.";
        Field<StringGraphType>("name");
        Field<StringGraphType>("email");
        Field<StringGraphType>("locale");
        Field<BooleanGraphType>("marketingOptIn");
    }
}
