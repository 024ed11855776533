using LearningBot.Core.Knowledge;

namespace LearningBot.Tests.Knowledge;

/// <summary>The question detector that gates answers offered in channels: real questions, and the statements that look like them.</summary>
public sealed class QuestionDetectorTests
{
    [TestCase("how can I get access to the analytics warehouse")]
    [TestCase("who grants warehouse access")]
    [TestCase("What's the staging db password policy")]
    [TestCase("does anyone know where the VPN config lives")]
    [TestCase("Can I rotate the staging keys myself?")]
    [TestCase("is there a runbook for failovers")]
    [TestCase("anyone know how to get into the warehouse")]
    [TestCase("<@U123> where do the deploy logs go?")]
    [TestCase("the deploy is stuck again, any ideas?")]
    [TestCase("getting permissions for the data warehouse？")]
    public void Questions_are_recognised(string text) => Assert.That(QuestionDetector.IsQuestion(text), Is.True, text);

    [TestCase("What a great release!")]
    [TestCase("what a mess that migration was")]
    [TestCase("How cool is that")]
    [TestCase("Is fixed now")]
    [TestCase("can confirm, the deploy worked")]
    [TestCase("who?")]
    [TestCase("why not")]
    [TestCase("I wonder if the deploy is done.")]
    [TestCase("Shipped the new warehouse permissions today")]
    [TestCase("Do it now!")]
    [TestCase("see `what is this?` in the docs")]
    [TestCase("<https://example.com/faq?q=1|what is this> shared it")]
    public void Statements_that_look_like_questions_are_not(string text) => Assert.That(QuestionDetector.IsQuestion(text), Is.False, text);
}
